"""The platform the resources stand on: settings, database, errors, auth, tenancy, encryption."""
