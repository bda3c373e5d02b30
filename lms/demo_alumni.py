"""Demo data for the alumni network: earlier cohorts, all closed, whose graduates fill the
directory (never in production; loaded by `lms.demo`).

Fixed lists rather than random ones, so that every demo database holds the same people and a
bug report about "Kofi Mensah's card" means the same thing on every machine. The web addresses
use the reserved example.* domains: a made-up person must never link to a real one's page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lms.alumni.text import words

ALUMNI_DOMAIN = "alumni.demo.test"


@dataclass(frozen=True)
class DemoProfile:
    headline: str
    themes: tuple[str, ...]
    languages: tuple[str, ...]
    bio: str
    website: str | None = None
    exchange: bool = False
    messages: bool = True
    listed: bool = True


@dataclass(frozen=True)
class DemoAlumnus:
    name: str
    country: str
    organisation: str
    profile: DemoProfile | None  # None: a graduate who never made a profile
    locale: str = "en"

    @property
    def email(self) -> str:
        """firstname.lastname@alumni.demo.test, without accents ("Łucja" -> "lucja")."""
        return ".".join(words(self.name)) + "@" + ALUMNI_DOMAIN


@dataclass(frozen=True)
class PastCohort:
    slug: str
    name: str
    focus: str
    facilitators: tuple[str, ...]
    starts_on: date
    length_days: int
    graduates: tuple[DemoAlumnus, ...]


A, P = DemoAlumnus, DemoProfile  # the tables below stay readable with short names

# Profiles of the named graduates of "Anti-corruption champions 2026" (in lms.demo.DEMO_PEOPLE).
# Nguyễn Thị Anh keeps hers hidden: the directory must not show her to anyone.
NAMED_PROFILES = {
    "alumna@demo.test": P(
        "Head of open contracting", ("anti-corruption", "participation-inclusion"), ("es", "en"),
        "I lead the open contracting team at Colombia's Secretaría de Transparencia. We publish "
        "every public contract as open data: see the [contracts dashboard]"
        "(https://contratos.example.org) and tell me what you would add.",
        website="https://marta-nunez.example.org", exchange=True, messages=True),
    "camila.rojas@demo.test": P(
        "Access to information analyst", ("anti-corruption", "justice"), ("es", "en", "pt"),
        "I handle appeals when public bodies refuse to release information, and train "
        "municipalities on *active transparency*.", exchange=True),
    "anh.nguyen@demo.test": P(
        "Budget transparency officer", ("anti-corruption", "participation-inclusion"),
        ("tl", "vi", "en"), "Working on the citizens' budget of the Philippines.",
        listed=False),
}

# Reflections the generated graduates wrote, handed out in turn (one per lesson).
DEMO_REFLECTIONS = (
    "We already publish our procurement plans; the next step is to publish the contracts "
    "themselves, in a format journalists can reuse.",
    "Our ministry consults citizens only at the end of a project. I want to move the first "
    "consultation to the design stage.",
    "The freedom of information officer works alone. A network across ministries would help "
    "us answer requests on time.",
    "I will propose a commitment on beneficial ownership for our next action plan, with the "
    "tax authority and two civil society partners.",
)

PAST_COHORTS = (
    PastCohort("climate-action-2024", "Climate action 2024", "climate-action",
               ("facilitator2@demo.test", "admin@demo.test"), date(2024, 3, 4), 84, (
        A("Nguyễn Văn Minh", "VN", "Ministry of Natural Resources and Environment", P(
            "Climate policy officer", ("climate-action", "participation-inclusion"),
            ("vi", "en"),
            "I coordinate the public consultation on Viet Nam's climate adaptation plan.",
            exchange=True)),
        A("Siti Rahmawati", "ID", "Ministry of National Development Planning (Bappenas)", P(
            "Low-carbon development planner", ("climate-action", "digital-governance"),
            ("id", "en"),
            "Building an open dashboard of **emission reduction** targets for the provinces.",
            website="https://siti-rahmawati.example.com")),
        A("Wanjiru Kamau", "KE", "County Government of Makueni", P(
            "Climate finance coordinator", ("climate-action", "participation-inclusion"),
            ("sw", "en"),
            "Ward climate committees in Makueni decide how local adaptation funds are spent; I "
            "make sure the decisions and the spending are published.", exchange=True)),
        A("Kofi Mensah", "GH", "Environmental Protection Agency", P(
            "Head of environmental data", ("climate-action", "digital-governance"), ("en",),
            "Air quality data for Accra, open every hour. Ask me about sensor networks.",
            exchange=True)),
        A("Ana Lúcia Gonçalves", "BR", "Prefeitura de São Paulo", P(
            "Climate adaptation lead", ("climate-action", "participation-inclusion"),
            ("pt", "es", "en"),
            "From São Paulo's Secretaria do Verde e do Meio Ambiente: I co-write the city's "
            "climate plan with neighbourhood assemblies.",
            website="https://ana-lucia-goncalves.example.org", exchange=True)),
        A("Rodrigo Hernández", "MX", "Secretaría de Medio Ambiente y Recursos Naturales", P(
            "Director of climate transparency", ("climate-action", "anti-corruption"),
            ("es", "en"),
            "Tracking every peso of climate finance, from the budget to the project.")),
        A("Youssef El Amrani", "MA",
          "Ministère de la Transition énergétique et du Développement durable", P(
              "Chargé de mission, transparence climatique", ("climate-action",),
              ("ar", "fr", "en"),
              "Je publie les données des projets d'énergie renouvelable et leurs études "
              "d'impact.", exchange=True), "fr"),
        A("Mereani Vuniwaqa", "FJ", "Ministry of Economy, Climate Change Division", P(
            "Climate finance analyst", ("climate-action", "participation-inclusion"), ("en",),
            "Relocation of coastal villages: how communities decide, and how we report on it.")),
        A("Nino Beridze", "GE", "Ministry of Environmental Protection and Agriculture", P(
            "Adviser on environmental information", ("climate-action", "civic-space"),
            ("ka", "en", "ru"), "Environmental information and public hearings.",
            listed=False)),
    )),
    PastCohort("western-balkans-2025", "Western Balkans 2025", "western-balkans",
               ("facilitator2@demo.test", "admin@demo.test"), date(2025, 2, 3), 84, (
        A("Mirela Dragović", "ME", "Ministry of Public Administration", P(
            "Head of the open data unit", ("digital-governance", "anti-corruption"),
            ("sr", "en"),
            "I run Montenegro's open data portal. Our next release: *every* municipal budget, "
            "line by line.", website="https://mirela-dragovic.example.net", exchange=True)),
        A("Besnik Gashi", "XK", "Agency for Prevention of Corruption", P(
            "Senior officer, asset declarations", ("anti-corruption",), ("sq", "en", "sr"),
            "Verifying the asset declarations of senior officials, and publishing them.")),
        A("Erjona Shehu", "AL", "Bashkia Tiranë", P(
            "Participatory budgeting coordinator", ("participation-inclusion",), ("sq", "en"),
            "Tirana residents choose one project per neighbourhood each year. I organise the "
            "vote and report on delivery.", exchange=True)),
        A("Dragana Jovanović", "RS", "High Judicial Council", P(
            "Judicial transparency adviser", ("justice", "anti-corruption"), ("sr", "en"),
            "Court statistics and judges' appointments.", listed=False)),
        A("Emir Hadžić", "BA", "Ministry of Justice of Bosnia and Herzegovina", P(
            "Head of the e-justice project", ("justice", "digital-governance"),
            ("bs", "hr", "en"),
            "Bringing case management and court decisions online, with anonymisation built "
            "in.", exchange=True)),
        A("Ivana Kovačević", "ME", "Glavni grad Podgorica", P(
            "Open budget officer", ("participation-inclusion", "anti-corruption"), ("sr", "en"),
            "Podgorica's citizens' budget: the city's spending in plain language.")),
        A("Aleksandar Stojanovski", "MK", "State Commission for Prevention of Corruption", P(
            "Integrity adviser", ("anti-corruption",), ("mk", "en", "sr"),
            "Integrity plans for municipalities. Happy to share our **risk assessment** "
            "template.", exchange=True)),
        A("Milica Đorđević", "RS", "Office for IT and eGovernment", P(
            "eGovernment service designer", ("digital-governance",), ("sr", "en"),
            "Designing public services with the people who use them.",
            website="https://milica-djordjevic.example.org")),
        A("Lejla Begović", "BA", "Grad Sarajevo", P(
            "Civic participation officer", ("participation-inclusion", "civic-space"),
            ("bs", "en"),
            "Public consultations for Sarajevo, online and in local community offices.",
            exchange=True)),
        A("Dritan Leka", "AL", "National Agency for Information Society", P(
            "E-services product owner", ("digital-governance",), ("sq", "en"),
            "Over a thousand services on e-Albania; I look after the ones for businesses.")),
    )),
    PastCohort("afrique-francophone-2025", "Afrique francophone 2025", "francophone-africa",
               ("facilitator2@demo.test",), date(2025, 3, 10), 84, (
        A("Aminata Traoré", "ML", "Office central de lutte contre l'enrichissement illicite", P(
            "Analyste, déclarations de patrimoine", ("anti-corruption",), ("fr", "en"),
            "Je vérifie les déclarations de patrimoine des hauts fonctionnaires.",
            exchange=True), "fr"),
        A("Moussa Diallo", "SN", "Mairie de Dakar", P(
            "Chargé du budget participatif", ("participation-inclusion",), ("fr", "wo"),
            "Le budget participatif de Dakar : les habitants proposent, votent et suivent les "
            "travaux.", website="https://moussa-diallo.example.org", exchange=True), "fr"),
        A("Aïcha Ouédraogo", "BF",
          "Autorité supérieure de contrôle d'État et de lutte contre la corruption", P(
              "Inspectrice d'État", ("anti-corruption", "justice"), ("fr",),
              "Audits des marchés publics et suivi des recommandations."), "fr"),
        A("Jean-Paul Mbarga", "CM", "Ministère des Postes et Télécommunications", P(
            "Responsable des données ouvertes", ("digital-governance",), ("fr", "en"),
            "Je prépare le premier portail de **données ouvertes** du Cameroun.",
            exchange=True), "fr"),
        A("Grâce Mukendi", "CD", "Ministère de la Justice et Garde des Sceaux", P(
            "Conseillère, accès à la justice", ("justice", "civic-space"), ("fr", "sw"),
            "Cliniques juridiques mobiles et aide juridictionnelle dans les provinces.",
            messages=False), "fr"),
        A("Yawo Agbodjan", "TG", "Agence Togo Digital", P(
            "Chef de projet identité numérique", ("digital-governance",), ("fr", "en"),
            "Une identité numérique utile aux citoyens, et respectueuse de leurs données.",
            exchange=True), "fr"),
        A("Rachidatou Adjovi", "BJ", "Ministère du Numérique et de la Digitalisation", P(
            "Chargée des services en ligne", ("digital-governance", "participation-inclusion"),
            ("fr", "en"), "Services publics en ligne accessibles depuis un simple téléphone."),
            "fr"),
        A("Fanja Randrianarisoa", "MG", "Bureau indépendant anti-corruption (BIANCO)", P(
            "Responsable de la prévention", ("anti-corruption",), ("mg", "fr"),
            "Campagnes de prévention de la corruption dans les communes rurales.",
            exchange=True), "fr"),
        A("Ibrahim Issoufou", "NE",
          "Haute Autorité à la lutte contre la corruption et les infractions assimilées",
          None, "fr"),
        A("Clémentine Uwase", "RW", "Rwanda Governance Board", P(
            "Citizen engagement specialist", ("civic-space", "participation-inclusion"),
            ("fr", "en", "sw"),
            "I run the Citizen Report Card survey and share its results with every district.",
            website="https://clementine-uwase.example.net")),
    )),
    PastCohort("latin-america-caribbean-2025", "Latin America and the Caribbean 2025",
               "latin-america-caribbean", ("facilitator2@demo.test", "admin@demo.test"),
               date(2025, 4, 7), 84, (
        A("João Pereira", "BR", "Prefeitura do Recife", P(
            "Coordenador de dados abertos", ("digital-governance", "participation-inclusion"),
            ("pt", "es", "en"),
            "Recife's open data portal and its *hackathons* with local universities.",
            website="https://joao-pereira.example.org", exchange=True)),
        A("Sofía Ramírez", "MX", "Secretaría Anticorrupción y Buen Gobierno", P(
            "Directora de transparencia proactiva", ("anti-corruption", "participation-inclusion"),
            ("es", "en"),
            "Publicamos los datos de obra pública para que la ciudadanía pueda vigilarla.",
            exchange=True), "es"),
        A("Valentina Gómez", "CO", "Alcaldía de Medellín", P(
            "Líder de participación ciudadana", ("participation-inclusion", "civic-space"),
            ("es", "en"), "Presupuesto participativo en las comunas de Medellín."),
          "es"),
        A("Mateo Fernández", "AR", "Oficina Anticorrupción", P(
            "Coordinador de integridad", ("anti-corruption", "justice"), ("es", "en", "pt"),
            "Conflict of interest rules for senior officials, and how to make them stick.",
            messages=False), "es"),
        A("Rosa Huamán", "PE", "Defensoría del Pueblo", P(
            "Comisionada, derechos de los pueblos indígenas", ("justice", "civic-space"),
            ("es",), "Consulta previa y acceso a la justicia en la Amazonía peruana.",
            exchange=True), "es"),
        A("Andrés Villalobos", "CR",
          "Ministerio de Ciencia, Innovación, Tecnología y Telecomunicaciones", P(
              "Digital government adviser", ("digital-governance",), ("es", "en"),
              "Interoperability between ministries, one register at a time."), "es"),
        A("Gabriela Castillo", "GT", "Organismo Judicial", P(
            "Coordinadora de datos judiciales abiertos", ("justice", "digital-governance"),
            ("es",), "Sentencias públicas y estadísticas judiciales en formatos abiertos.",
            website="https://gabriela-castillo.example.com", exchange=True), "es"),
        A("Daniela Paredes", "EC", "Consejo de Participación Ciudadana y Control Social", P(
            "Especialista en veedurías ciudadanas", ("participation-inclusion", "anti-corruption"),
            ("es",), "Acompaño a las veedurías ciudadanas que vigilan la obra pública."),
          "es"),
        A("Tomás Acosta", "UY", "AGESIC", P(
            "Open government coordinator", ("digital-governance", "participation-inclusion"),
            ("es", "pt", "en"),
            "Uruguay's fifth action plan: co-created with 40 organisations. Ask me how.",
            exchange=True), "es"),
        A("Thiago Oliveira", "BR", "Controladoria-Geral do Estado de Minas Gerais", P(
            "Auditor", ("anti-corruption",), ("pt", "es"), "Auditoria de contratos.",
            listed=False)),
    )),
    PastCohort("digital-governance-2025", "Digital governance 2025", "digital-governance",
               ("facilitator2@demo.test",), date(2025, 9, 1), 70, (
        A("Łucja Wiśniewska", "PL", "Chancellery of the Prime Minister", P(
            "Public data policy expert", ("digital-governance",), ("en", "uk", "ru"),
            "On secondment to support open data teams in the Eastern Partnership.",
            website="https://lucja-wisniewska.example.org", exchange=True)),
        A("Oleksandr Kovalenko", "UA", "Prozorro", P(
            "Product lead, public procurement", ("digital-governance", "anti-corruption"),
            ("uk", "en", "ru"),
            "Every tender in Ukraine is public on Prozorro. I work on **risk indicators** that "
            "flag suspicious ones.", exchange=True)),
        A("Tamar Kapanadze", "GE", "Public Service Development Agency", P(
            "Head of digital services", ("digital-governance",), ("ka", "en", "ru"),
            "Public service halls and their online twin, my.gov.ge.", messages=False)),
        A("Ion Rusu", "MD", "e-Governance Agency", P(
            "Open data lead", ("digital-governance", "anti-corruption"), ("ro", "ru", "en"),
            "Moldova's open data portal and the beneficial ownership register.",
            exchange=True)),
        A("Anahit Sargsyan", "AM", "Office of the Prime Minister", P(
            "Digitalisation adviser", ("digital-governance", "participation-inclusion"),
            ("hy", "ru", "en"),
            "e-draft.am: how citizens comment on draft laws, and how we answer them.")),
        A("Adaeze Okonkwo", "NG", "Bureau of Public Procurement", P(
            "Open contracting lead", ("anti-corruption", "digital-governance"), ("en",),
            "Publishing Nigeria's federal contracts in the *Open Contracting Data Standard*.",
            website="https://adaeze-okonkwo.example.com", exchange=True)),
        A("Brian Otieno", "KE", "ICT Authority", P(
            "Data protection officer", ("digital-governance", "justice"), ("en", "sw"),
            "Making government systems comply with Kenya's Data Protection Act.")),
        A("Maria Clara Dela Cruz", "PH", "Department of Information and Communications "
          "Technology", P(
              "eGovernment project manager", ("digital-governance",), ("tl", "en"),
              "The eGov super app, and the offices still behind it.", exchange=True)),
        A("Dewi Lestari", "ID", "Ministry of Administrative and Bureaucratic Reform", P(
            "Public complaints system manager", ("digital-governance", "participation-inclusion"),
            ("id", "en"), "SP4N-LAPOR!: one channel for every complaint about public services.")),
        A("Sami Ben Youssef", "TN", "Présidence du Gouvernement", P(
            "Chef de l'unité administration électronique", ("digital-governance",),
            ("ar", "fr", "en"), "Données ouvertes et simplification des procédures.",
            exchange=True), "fr"),
    )),
    PastCohort("civic-space-2025", "Civic space 2025", "civic-space",
               ("facilitator2@demo.test", "admin@demo.test"), date(2025, 10, 6), 70, (
        A("Achieng Odhiambo", "KE", "Commission on Administrative Justice", P(
            "Access to information officer", ("justice", "civic-space"), ("en", "sw"),
            "Enforcing Kenya's Access to Information Act, one complaint at a time.",
            exchange=True)),
        A("Thandiwe Nkosi", "ZA", "Department of Justice and Constitutional Development", P(
            "Deputy director, community justice", ("justice", "civic-space"), ("en",),
            "Community advice offices and the people who run them.",
            website="https://thandiwe-nkosi.example.org")),
        A("Efua Asante", "GH", "Commission on Human Rights and Administrative Justice", P(
            "Principal investigator", ("civic-space", "justice"), ("en",),
            "Protecting the right to protest, and investigating when it is denied.",
            exchange=True)),
        A("Rania Haddad", "LB", "Office of the Minister of State for Administrative Reform", P(
            "Policy adviser", ("civic-space", "anti-corruption"), ("ar", "fr", "en"),
            "Lebanon's right to access information law: from text to practice.",
            messages=False)),
        A("Omar Al-Khatib", "JO", "Ministry of Political and Parliamentary Affairs", P(
            "Head of civil society relations", ("civic-space", "participation-inclusion"),
            ("ar", "en"), "Registering associations in weeks rather than months.",
            exchange=True)),
        A("Leïla Ben Amor", "TN", "Instance d'accès à l'information", P(
            "Juriste", ("civic-space", "justice"), ("ar", "fr"),
            "Recours en matière d'accès à l'information : notre jurisprudence est publique."),
            "fr"),
        A("Armen Hakobyan", "AM", "Ministry of Justice", P(
            "Head of legal drafting", ("justice",), ("hy", "ru", "en"),
            "Drafting laws in the open: consultations on *every* draft.", messages=False)),
        A("Prakash Adhikari", "NP", "Office of the Prime Minister and Council of Ministers", P(
            "Under secretary, governance reform", ("civic-space", "participation-inclusion"),
            ("en",), "Local governments and their public hearings.", exchange=True)),
        A("Joy Bautista", "PH", "Commission on Human Rights", P(
            "Human rights defenders desk officer", ("civic-space",), ("tl", "en"),
            "Protection measures for human rights defenders and journalists.")),
    )),
)
