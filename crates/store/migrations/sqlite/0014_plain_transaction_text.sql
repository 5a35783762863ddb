-- Transactions' free text holds no control characters other than line breaks and tabs (the
-- domain turns them into spaces as it checks a transaction; exports render rows as text with
-- the separators U+001D, U+001E and U+001F). Text recorded before that rule is cleaned the same
-- way.
UPDATE transactions
SET description = replace(replace(replace(description, char(29), ' '), char(30), ' '), char(31), ' '),
    reference = replace(replace(replace(reference, char(29), ' '), char(30), ' '), char(31), ' ')
WHERE description GLOB ('*[' || char(29) || char(30) || char(31) || ']*')
   OR reference GLOB ('*[' || char(29) || char(30) || char(31) || ']*');
