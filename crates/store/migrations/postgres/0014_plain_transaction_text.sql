-- Transactions' free text holds no control characters other than line breaks and tabs (the
-- domain turns them into spaces as it checks a transaction; exports render rows as text with
-- the separators U+001D, U+001E and U+001F). Text recorded before that rule is cleaned the same
-- way.
UPDATE transactions
SET description = translate(description, chr(29) || chr(30) || chr(31), '   '),
    reference = translate(reference, chr(29) || chr(30) || chr(31), '   ')
WHERE description ~ '[\x1d-\x1f]' OR reference ~ '[\x1d-\x1f]';
