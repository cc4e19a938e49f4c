def test_create_then_read_config_round_trip(client, headers, integration, new_config):
    created = new_config(name="messageLogEnabled", value="true")
    assert created["version"] == 0
    url = f"/tenantintegrations/{integration['id']}/configs/{created['id']}"
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    assert response.get_json() == created
