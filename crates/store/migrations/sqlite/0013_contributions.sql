-- In-kind contributions: experts' time, equipment and training a provider gives a programme,
-- with the value the provider declares (converted like money, never counted as money).
CREATE TABLE contributions (
    id TEXT PRIMARY KEY,
    programme_id TEXT NOT NULL REFERENCES programmes (id),
    reference TEXT,
    category TEXT NOT NULL,
    provider_org_id TEXT NOT NULL REFERENCES organisations (id),
    -- domestic or external, from the provider (as for transactions).
    origin TEXT NOT NULL,
    given_on TEXT NOT NULL,
    year INTEGER NOT NULL,
    description TEXT NOT NULL,
    quantity TEXT NOT NULL,
    unit TEXT NOT NULL,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    amount_usd INTEGER NOT NULL,
    -- The rate used; none for amounts already in USD.
    usd_rate_id INTEGER REFERENCES exchange_rates (id),
    amount_kzt INTEGER NOT NULL,
    kzt_rate_id INTEGER NOT NULL REFERENCES exchange_rates (id)
);
CREATE INDEX contributions_programme ON contributions (programme_id);
CREATE INDEX contributions_provider ON contributions (provider_org_id);
