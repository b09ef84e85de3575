"""The default letter texts (bokmål), written for Veiviser from what OT offers and the youth's
rights (DOMAIN.md §6 duty 2). The administrator adapts them in the admin: each edit is a new
version, so this migration never overwrites a county's own text."""

from django.db import migrations

CLOSING = (
    "<p>Vennlig hilsen</p>\n"
    "<p>{{ advisor_name }}<br>\n"
    "Oppfølgingstjenesten{% if unit_name %}, {{ unit_name }}{% endif %}<br>\n"
    "{{ county_name }}</p>\n"
)

CONTACT = (
    "<p>Du når {{ advisor_name }}{% if advisor_phone %} på telefon {{ advisor_phone }}{% endif %}"
    "{% if advisor_email %}{% if advisor_phone %} eller{% endif %} på e-post {{ advisor_email }}"
    "{% endif %}.</p>\n"
)

OFFER = (
    "<ul>\n"
    "<li>samtaler om hvordan du har det og hva du ønsker å gjøre videre, med veiledning om "
    "utdanning og arbeid</li>\n"
    "<li>hjelp til å søke skole eller læreplass på nytt</li>\n"
    "<li>opplæring hos oss, arbeidspraksis i en bedrift eller andre tiltak – alene eller sammen "
    "med for eksempel NAV</li>\n"
    "<li>opplæring i enkeltfag og hjelp til å ta fag som privatist</li>\n"
    "<li>hjelp til å finne vanlig arbeid</li>\n"
    "<li>at vi samarbeider med andre som kan hjelpe, når du selv ønsker det</li>\n"
    "</ul>\n"
)

INFORMATION_YOUTH = (
    "<p>Hei, {{ youth_given_name }}!</p>\n"
    "<p>Du får dette brevet fordi du er meldt til Oppfølgingstjenesten (OT) i {{ county_name }}. "
    "Fylkeskommunen skal ha oversikt over ungdom som har rett til videregående opplæring, men "
    "som ikke er i skole, læreplass eller arbeid – for eksempel fordi de ikke søkte, takket nei "
    "til plassen sin eller sluttet i løpet av året. Vi skal gi deg informasjon om rettighetene "
    "dine og tilby deg hjelp.</p>\n"
    "<h2>Retten din til videregående opplæring</h2>\n"
    "<p>Du som har gått ut av grunnskolen, har rett til videregående opplæring. Har du tatt en "
    "pause eller sluttet, har du fortsatt muligheter: Vi hjelper deg å finne ut hva retten din "
    "betyr for deg, og hvordan du kan komme videre med skole, læreplass eller arbeid.</p>\n"
    "<h2>Dette kan Oppfølgingstjenesten hjelpe deg med</h2>\n"
    + OFFER
    + "<p>Alt vi gjør, lager vi sammen med deg. Tilbudet er gratis, og det er frivillig å ta "
    "imot det. Alle som jobber i Oppfølgingstjenesten, har taushetsplikt.</p>\n"
    "<h2>Hva skjer nå?</h2>\n"
    "<p>Vi kommer til å kontakte deg snart. Du er også velkommen til å ta kontakt selv.</p>\n"
    + CONTACT
    + CLOSING
)

INFORMATION_GUARDIAN = (
    "<p>Til foresatte for {{ youth_name }}</p>\n"
    "<p>{{ youth_name }} er meldt til Oppfølgingstjenesten (OT) i {{ county_name }}. "
    "Oppfølgingstjenesten er en lovpålagt tjeneste i fylkeskommunen for ungdom som har rett til "
    "videregående opplæring, men som ikke er i skole, læreplass eller arbeid. Når ungdommen er "
    "under 18 år, skal også foresatte få skriftlig informasjon om rettighetene og om tilbudet "
    "vårt.</p>\n"
    "<h2>Retten til videregående opplæring</h2>\n"
    "<p>Ungdom som har gått ut av grunnskolen, har rett til videregående opplæring. Den som har "
    "tatt en pause eller sluttet, kan komme tilbake. Vi hjelper ungdommen å finne ut hva retten "
    "betyr i deres tilfelle.</p>\n"
    "<h2>Dette kan Oppfølgingstjenesten tilby</h2>\n"
    + OFFER.replace("du ønsker", "ungdommen ønsker")
    .replace("du selv ønsker", "ungdommen selv ønsker")
    .replace("du har det", "ungdommen har det")
    + "<p>Tiltakene lages sammen med ungdommen. Tilbudet er gratis og frivillig, og alle som "
    "jobber i Oppfølgingstjenesten, har taushetsplikt. Dere er velkomne til å være med i "
    "samtalene, og dere kan gjerne ta kontakt med oss.</p>\n"
    + CONTACT.replace("Du når", "Dere når")
    + CLOSING
)

APPOINTMENT_YOUTH = (
    "<p>Hei, {{ youth_given_name }}!</p>\n"
    "<p>Vi i Oppfølgingstjenesten vil gjerne treffe deg til en samtale om hvordan du har det, "
    "hva du er interessert i, og hva du ønsker å gjøre framover. Samtalen er uforpliktende, "
    "og du kan gjerne ta med deg en du stoler på.</p>\n"
    "<p><strong>Tid:</strong> {{ appointment_time }}<br>\n"
    "<strong>Sted:</strong> {{ appointment_place }}</p>\n"
    "<p>Passer ikke tidspunktet, eller vil du heller møtes et annet sted? Gi beskjed, så finner "
    "vi en tid som passer bedre.</p>\n"
    + CONTACT
    + CLOSING
)

TEMPLATES = [
    {
        "key": "informasjon-ungdom",
        "kind": "information",
        "audience": "youth",
        "title": "Informasjon om retten din til videregående opplæring og om Oppfølgingstjenesten",
        "body": INFORMATION_YOUTH,
    },
    {
        "key": "informasjon-foresatte",
        "kind": "information",
        "audience": "guardian",
        "title": "Informasjon til foresatte om Oppfølgingstjenesten",
        "body": INFORMATION_GUARDIAN,
    },
    {
        "key": "innkalling-samtale",
        "kind": "appointment",
        "audience": "youth",
        "title": "Invitasjon til samtale med Oppfølgingstjenesten",
        "body": APPOINTMENT_YOUTH,
    },
]


def install(apps, schema_editor):
    LetterTemplate = apps.get_model("letters", "LetterTemplate")
    for fields in TEMPLATES:
        if not LetterTemplate.objects.filter(key=fields["key"]).exists():
            LetterTemplate.objects.create(version=1, active=True, **fields)


def remove(apps, schema_editor):
    LetterTemplate = apps.get_model("letters", "LetterTemplate")
    LetterTemplate.objects.filter(
        key__in=[t["key"] for t in TEMPLATES], version=1, letters__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("letters", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
