-- IATI aid type, finance type, flow type and tied status: defaults on programmes, own values on
-- transactions (a transaction's own value wins; exports fill the gaps from the programme).
ALTER TABLE programmes ADD COLUMN aid_type TEXT;
ALTER TABLE programmes ADD COLUMN finance_type TEXT;
ALTER TABLE programmes ADD COLUMN flow_type TEXT;
ALTER TABLE programmes ADD COLUMN tied_status TEXT;
ALTER TABLE transactions ADD COLUMN aid_type TEXT;
ALTER TABLE transactions ADD COLUMN finance_type TEXT;
ALTER TABLE transactions ADD COLUMN flow_type TEXT;
ALTER TABLE transactions ADD COLUMN tied_status TEXT;
