"""Text for the benchmark's archive: titles, summaries and paragraphs that read like the Peru
Support Group's news, drawn from one vocabulary so that the searches find what they look for.
Plain Python, seeded: the same seed gives the same archive."""

TOPICS = [
    "Human rights",
    "Policing",
    "Legislation",
    "Mining",
    "Social conflict",
    "Indigenous rights",
    "Oil and gas",
    "Trade",
    "PSG news",
    "Land rights",
    "Inequality",
    "PSG events",
    "Environment",
    "Water",
    "Amazon",
    "Elections",
    "Truth and reconciliation",
    "Coca",
    "Climate change",
    "Deforestation",
    "Gender",
    "Health",
    "Education",
    "Justice",
    "Press freedom",
]

PLACES = [
    "Cajamarca",
    "Cusco",
    "Puno",
    "Loreto",
    "Lima",
    "Arequipa",
    "Apurímac",
    "Ayacucho",
    "Madre de Dios",
    "Ucayali",
    "Junín",
    "Piura",
    "Áncash",
    "Huancavelica",
    "San Martín",
    "Amazonas",
    "Tacna",
    "Moquegua",
]

ACTORS = [
    "the Ombudsman's office",
    "the Ministry of Energy and Mines",
    "indigenous federations",
    "campesino communities",
    "the Constitutional Tribunal",
    "Congress",
    "the national police",
    "human rights defenders",
    "the environmental regulator",
    "local water committees",
    "the regional government",
    "the mining company",
    "women's organisations",
    "the Truth and Reconciliation Commission",
    "journalists",
    "the Catholic Church",
    "the Ministry of Culture",
    "coca growers",
    "trade unions",
    "the European Parliament",
]

# Each news item is about one issue, which gives it its topics, and takes place somewhere.
ISSUES = {
    "the Las Bambas mine": ["Mining", "Social conflict"],
    "the Conga project": ["Mining", "Water"],
    "an oil spill": ["Oil and gas", "Environment", "Amazon"],
    "illegal gold mining": ["Mining", "Environment", "Amazon"],
    "water contamination": ["Water", "Health", "Environment"],
    "deforestation in the Amazon": ["Deforestation", "Amazon", "Climate change"],
    "the right to protest": ["Human rights", "Policing", "Social conflict"],
    "land titling": ["Land rights", "Indigenous rights"],
    "forced sterilisations": ["Gender", "Justice", "Human rights"],
    "the state of emergency": ["Human rights", "Policing"],
    "the free trade agreement": ["Trade"],
    "reparations for victims": ["Truth and reconciliation", "Justice"],
    "mercury poisoning": ["Health", "Mining"],
    "the Camisea gas project": ["Oil and gas", "Indigenous rights"],
    "uncontacted peoples": ["Indigenous rights", "Amazon"],
    "the new anti-terrorism law": ["Legislation", "Human rights"],
    "police violence": ["Policing", "Human rights"],
    "glacier retreat": ["Climate change", "Water"],
    "the presidential elections": ["Elections"],
    "access to clean water": ["Water", "Inequality"],
    "the Northern Peruvian Pipeline": ["Oil and gas", "Amazon"],
    "prior consultation": ["Indigenous rights", "Legislation"],
    "coca eradication": ["Coca", "Social conflict"],
    "attacks on journalists": ["Press freedom", "Human rights"],
    "rural schools": ["Education", "Inequality"],
    "the PSG annual conference": ["PSG events", "PSG news"],
}

STATEMENTS = [
    "{opener} {actor} {verb} {issue} in {place}.",
    "{actor_cap} {verb} {issue} in {place}.",
    "{opener} {actor} {verb} {issue}.",
]

VERBS = [
    "criticised",
    "welcomed",
    "called for an inquiry into",
    "raised concerns about",
    "reported on",
    "challenged",
    "defended",
    "questioned the legality of",
    "demanded action on",
    "published new figures on",
    "denounced",
    "held hearings on",
]

OPENERS = [
    "In a statement this week,",
    "According to local sources,",
    "After months of negotiation,",
    "Speaking at a press conference in Lima,",
    "In a report published on Monday,",
    "Despite repeated warnings,",
    "Following the protests,",
    "For the first time since 2000,",
    "In an open letter,",
    "Earlier this month,",
]

CLOSERS = [
    "The government has not yet responded.",
    "Further protests are expected in the coming weeks.",
    "The case is now before the courts.",
    "Observers say the dispute is far from over.",
    "The Peru Support Group will continue to follow the case.",
    "Local leaders say they were not consulted.",
    "The regional authorities have promised to investigate.",
    "Campaigners have welcomed the decision as a first step.",
]

DETAILS = [
    "More than {n} families in {place} depend on the river for drinking water and farming.",
    "At least {n} people were injured when the police broke up the protest in {place}.",
    "The company says it has invested {n} million dollars in the region since {year}.",
    "Community leaders in {place} say that {issue} has divided the province.",
    "Since {year}, the authorities have recorded {n} social conflicts linked to {issue}.",
    "Representatives of {n} communities travelled from {place} to Lima to present their case.",
    "The report documents {n} cases in {place} between {year} and the present.",
    "Independent monitors found levels of heavy metals {n} times above the legal limit.",
    "The regional government of {place} first raised the alarm in {year}.",
    "Human rights organisations counted {n} defenders under threat in {place} alone.",
    "Local radio stations in {place} have followed {issue} closely since {year}.",
    "A delegation from {place} met officials in Lima to discuss {issue}.",
    "{actor_cap} estimates that {n} people are affected by {issue}.",
    "The first complaints about {issue} were filed in {year}.",
    "Lawyers for the communities say that {n} cases are still awaiting a hearing.",
]

QUOTES = [
    "We are not against development, but we will not give up our water.",
    "The consultation was a formality: the decision had already been taken in Lima.",
    "Our lands are our life, and we will defend them peacefully.",
    "There can be no reconciliation without truth and without justice for the victims.",
    "The law must protect those who defend the environment, not criminalise them.",
    "Nobody asked us before the machines arrived.",
]

SPEAKERS = [
    "a community leader from {place}",
    "a spokesperson for the indigenous federation",
    "the Ombudsman",
    "a human rights lawyer in {place}",
    "a member of the Peru Support Group",
]

HEADINGS = [
    "Background",
    "What happened in {place}",
    "The government's response",
    "Reactions",
    "What comes next",
    "The human rights situation",
    "The environmental impact",
    "Figures",
]

TITLES = [
    "{place}: protests over {issue}",
    "{actor_cap} {verb} {issue}",
    "Concern grows over {issue} in {place}",
    "New report on {issue}",
    "{place} communities reject {issue}",
    "Court rules on {issue}",
    "Update: {issue} in {place}",
    "Campaigners challenge {issue}",
]

EVENT_TITLES = [
    "Conference: {issue}",
    "Public meeting on {issue}",
    "Film screening and discussion: {place}",
    "Annual general meeting and talk on {issue}",
    "Seminar: {topic} in Peru",
    "Speaker tour: voices from {place}",
]

VENUES = [
    "Canning House, 126 Wigmore Street, London",
    "SOAS, Russell Square, London",
    "The Friends Meeting House, Euston Road, London",
    "University of Oxford, Latin American Centre",
    "Institute of Latin American Studies, Senate House, London",
]

# Twenty searches a reader might make, each of words the archive uses: common ones that match
# thousands of items, rarer ones, two phrases and several words together.
SEARCHES = [
    "mining",
    "human rights",
    "water",
    "Cajamarca",
    "indigenous federations",
    '"prior consultation"',
    "Las Bambas",
    "oil spill",
    "mercury",
    "Ombudsman",
    "police violence",
    "glacier",
    "reparations victims",
    "Puno protest",
    '"state of emergency"',
    "deforestation Amazon",
    "Camisea",
    "sterilisations",
    "Congress law",
    "Madre de Dios gold",
]


# The share of sentences about something other than the item's own subject.
ASIDE = 0.2


def focus(rng):
    """What one item is about: an issue (and so its topics), a place and two actors."""
    issue = rng.choice(list(ISSUES))
    return {
        "issue": issue,
        "topics": ISSUES[issue],
        "place": rng.choice(PLACES),
        "actors": rng.sample(ACTORS, 2),
    }


def fill(rng, template, about):
    aside = rng.random() < ASIDE
    actor = rng.choice(ACTORS if aside else about["actors"])
    return template.format(
        place=rng.choice(PLACES) if aside else about["place"],
        issue=rng.choice(list(ISSUES)) if aside else about["issue"],
        actor=actor,
        actor_cap=capitalise(actor),
        verb=rng.choice(VERBS),
        opener=rng.choice(OPENERS),
        topic=about["topics"][0].lower(),
        n=rng.choice([3, 12, 40, 150, 700, 2000]),
        year=rng.randint(1990, 2024),
    )


def capitalise(text):
    return text[:1].upper() + text[1:]


def title(rng, about, templates=TITLES):
    return fill(rng, rng.choice(templates), about)


def sentence(rng, about):
    kind = rng.random()
    if kind < 0.45:
        return fill(rng, rng.choice(STATEMENTS), about)
    if kind < 0.85:
        return fill(rng, rng.choice(DETAILS), about)
    return rng.choice(CLOSERS)


def paragraph(rng, about, sentences=(3, 6)):
    return " ".join(sentence(rng, about) for _ in range(rng.randint(*sentences)))


def summary(rng, about):
    return paragraph(rng, about, (1, 2))[:400]


def heading(rng, about):
    return fill(rng, rng.choice(HEADINGS), about)


def quote(rng, about):
    return rng.choice(QUOTES), capitalise(fill(rng, rng.choice(SPEAKERS), about))
