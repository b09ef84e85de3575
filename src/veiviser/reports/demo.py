"""The demo county's annual-report texts: an introduction and a summary for each unit, as a
county would write them (synthetic: no real person is named). Deterministic from the demo's
seed; written through `narrative_save`, so each is version 1 of its section."""

import random

from veiviser.reports import services

INTRODUCTION = """Oppfølgingstjenesten (OT) legger med dette fram årsrapporten for skoleåret.

Rapporten viser hvem som ble tilmeldt OT, hvordan det gikk med dem gjennom året, og hvordan vi
har oppfylt pliktene våre etter opplæringsloven. Tallene er hentet fra Veiviser og er de samme
som fylket rapporterer til Utdanningsdirektoratet (Udir) på de tre telletidspunktene.

Vi takker ungdommene, foresatte og samarbeidspartnerne i NAV, skolene og kommunene for godt
samarbeid gjennom året."""

UNIT_TEXTS = (
    "Avdelingen har hatt et år med **mange nye tilmeldinger** fra inntakskontoret i august. "
    "Vi har prioritert rask førstekontakt og flere samtaler ute på skolene.",
    "Avdelingen har styrket samarbeidet med NAV-kontorene i kommunene, og flere ungdommer har "
    "fått **arbeidspraksis** hos lokale bedrifter.",
    "Avdelingen har drevet gruppetilbud to dager i uken med vekt på livsmestring og fysisk "
    "aktivitet. Mange av deltakerne søkte videregående opplæring på nytt.",
    "Avdelingen har hatt tett oppfølging av lærlinger og lærekandidater som sto i fare for å "
    "avbryte, i samarbeid med fagopplæringen.",
)


def narratives_create(county, *, seed: int) -> int:
    """Write the demo texts for `county`; returns how many sections were written."""
    rng = random.Random(seed)
    written = 0
    services.narrative_save(actor=None, county=county, key="introduction", body=INTRODUCTION)
    written += 1
    texts = list(UNIT_TEXTS)
    rng.shuffle(texts)
    for position, unit in enumerate(county.units.filter(closed_on__isnull=True).order_by("name")):
        body = f"{texts[position % len(texts)]}\n\n- Kontaktinformasjon: se fylkets nettsider."
        services.narrative_save(actor=None, county=county, key=f"unit-{unit.key}", body=body)
        written += 1
    return written
