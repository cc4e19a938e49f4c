"""Operations around the API: health, metrics, logs, rate limits, CORS, serving, commands."""
