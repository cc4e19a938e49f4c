"""Applied-version reports: which lookup answer (ETag) each running connector instance applied."""
