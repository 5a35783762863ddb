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

mechanism-government_body = Government bodies
mechanism-local_government = Local governments (akimats)
mechanism-civil_society = Civil society
mechanism-donor = Donors
mechanism-international_organisation = International organisations
mechanism-un_entity = United Nations entities
mechanism-academia = Academia and research
mechanism-private_sector = Private sector
mechanism-none = Other participants
orgtype-10 = Government
orgtype-11 = Local government
orgtype-15 = Other public sector
orgtype-21 = International NGO
orgtype-22 = National NGO
orgtype-23 = Regional NGO
orgtype-24 = NGO based in the partner country
orgtype-30 = Public–private partnership
orgtype-40 = Multilateral organisation
orgtype-60 = Foundation
orgtype-70 = Private sector
orgtype-71 = Private sector in the provider country
orgtype-72 = Private sector in the recipient country
orgtype-73 = Private sector in a third country
orgtype-80 = Academic, training and research
orgtype-90 = Other
stakeholders-heading = Who takes part
org-type = Type
org-country = Country
org-website = Website
org-funds = Programmes it funds
org-implements = Programmes it implements
org-takes-part = Other programmes it takes part in
org-money-given = Money it committed

level-country = Country
level-region = Region
level-district = District
level-settlement = Settlement
places-heading = Regions, districts and settlements
place-kato = KATO code
place-population = Population
place-within = Part of
place-contains = Inside
place-programmes = Programmes working here
place-money = Money committed to programmes here

funding-heading = Funding: needs, promises and money
funding-by-area = By thematic area
funding-by-year = By year
funding-by-donor = By the organisation that gave the money
funding-by-region = By region
funding-by-origin = Domestic and external money
funding-dimension = Group
funding-no-provider = Not given
funding-all-money = All money, US dollars
funding-origin-chart-description = Committed money from Kazakhstan's budget and from outside, by year, in US dollars.
transactions-heading = Transactions
transactions-count = { $count ->
    [one] { $count } transaction
   *[other] { $count } transactions
}
tx-date = Date
tx-programme = Programme
tx-type = Type
tx-amount = Amount
tx-usd = In US dollars
tx-provider = From

txtype-1 = Incoming funds
txtype-2 = Outgoing commitment
txtype-3 = Disbursement
txtype-4 = Expenditure
txtype-5 = Interest payment
txtype-6 = Loan repayment
txtype-7 = Reimbursement
txtype-8 = Purchase of equity
txtype-9 = Sale of equity
txtype-10 = Credit guarantee
txtype-11 = Incoming commitment
txtype-12 = Outgoing pledge
txtype-13 = Incoming pledge

map-title = Committed money by district
map-description = Districts of the regions with programmes, shaded by the money committed to programmes working there; darker is more. Each district links to its page.
map-no-money = No money
map-needs-outlines = The map appears once district outlines are imported (semey import places).

## Interactive maps
map-heading = Map of programmes and funding
map-intro = Districts are shaded by the money committed to programmes working there, or by the number of those programmes; dots are settlements. Choose a district or a settlement for a summary and a link to its page.
map-open = Open the map of programmes and funding
map-open-place = Open its page
map-less = less
map-more = more
map-none = none
map-layer-funding = Committed money (USD)
map-layer-programmes = Number of programmes
map-layer-settlements = Settlements
home-latest = Latest updates

## Programme filters and pages of a list
filter-status = Status
filter-place = Place
filter-organisation = Organisation
filter-group = Target group
filter-sdg = SDG target
filter-year = Year
filter-parent = Part of
pager-label = Pages of the list
pager-previous = Previous
pager-next = Next
pager-position = Page { $page } of { $pages }
