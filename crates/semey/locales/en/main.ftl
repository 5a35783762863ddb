site-name = Semey
site-tagline = Rehabilitation of the Semipalatinsk region: who does what, where, with how much money
nav-home = Home
nav-map = Map
nav-programmes = Programmes
nav-stakeholders = Stakeholders
nav-funding = Funding
nav-places = Places
language = Language

programmes-count = { $count ->
    [one] { $count } programme
   *[other] { $count } programmes
}

funding-required = Required
funding-pledged = Pledged
funding-committed = Committed
funding-disbursed = Disbursed
funding-spent = Spent
funding-gap = Funding gap
funding-percent = Funded
funding-domestic = Domestic (Kazakhstan's budget)
funding-external = External

area-radiation_safety = Radiation safety
area-health = Health
area-socioeconomic_development = Socioeconomic development
area-environmental_protection = Environmental protection
area-psychosocial_support = Psychosocial support
area-public_awareness = Public awareness
area-governance = Governance

error-not-found = The page or record you asked for does not exist.
error-invalid-parameter = The filter “{ $field }” has a value that cannot be used.
error-required = This field is required.
error-sector_percentages_sum = The sector percentages must add up to 100.
error-end_before_start = The end date is before the start date.
error-period_longer_than_a_year = A budget period can be at most one year long.
error-unknown_currency = This is not a currency code the platform knows.
error-no_exchange_rate = There is no exchange rate for this currency on or before this date.
error-invalid_kato = A KATO code has exactly nine digits.

skip-to-content = Skip to the content
nav-label = Main sections
footer-text = Semey serves UN General Assembly resolution 75/210. Programme figures in the demo are illustrative.
home-heading = Rehabilitation of the Semipalatinsk region in figures
chart-title-by-area = Committed money by thematic area, US dollars
chart-description-by-area = A bar for each thematic area: the money committed to its programmes, in US dollars.
chart-as-table = The same figures as a table
search-label = Search in titles
filter-area = Thematic area
filter-all = All
filter-apply = Show
not-found-title = Not found

status-1 = Pipeline / identification
status-2 = Implementation
status-3 = Finalisation
status-4 = Closed
status-5 = Cancelled
status-6 = Suspended
role-funding = Funding
role-accountable = Accountable
role-extending = Extending
role-implementing = Implementing
group-children = Children
group-youth = Young people
group-older_people = Older people
group-persons_with_disabilities = Persons with disabilities
group-women = Women
group-low_income_households = Low-income households
group-exposed_population = People exposed to fallout
group-descendants_of_exposed = Descendants of exposed people
group-rural_residents = Rural residents
group-unemployed = Unemployed people
programme-identifier = Identifier
programme-status = Status
programme-planned = Planned
programme-actual = Actual
programme-areas = Thematic areas
programme-partners = Partners
programme-places = Where
programme-target-groups = Who it is for
programme-sdgs = SDG targets
programme-sectors = Sectors
programme-part-of = Part of
programme-projects = Projects
programme-funding = Funding
programme-funding-by-year = Funding by year, US dollars
programme-funding-by-year-description = Committed and disbursed money of this programme in each year, in US dollars.
programme-internal = Received from other programmes of the platform (counted where it entered the platform)
