"""The offline engine's own wording, per answer language: English (the reference), German, French, Spanish.

Each `Phrases` holds named `str.format` templates for the framing sentences the composers in `mentor.ai.compose`
write around the candidate's own material (resume bullets, employers, skills, notes), which is inserted as
written and never translated. A template may ignore fields it does not need: the composers pass `a_role`
("a Backend Engineer") for English, which needs an article, and plain `role` for the other languages,
which do not use one before a job title.

Voice: coaching lines speak to the candidate (English "you", German "Sie", French "vous", Spanish "tú");
lines the candidate says to the interviewer are first person and polite (Spanish "usted"). The first-person
lines avoid gendered adjectives ("ravi·e", "encantado·a"), since the engine does not know the speaker.
Targets ("the Staff Engineer role at N26") appear only where their article needs no contraction or case
change (no "bei der Stelle", "au poste", "al puesto").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Phrases:
    """The framing sentences of one language. Fields in braces are filled by `mentor.ai.compose`."""

    code: str
    and_: str
    # the role being interviewed for: fields role, company (and de_role for French elision)
    target_role_company: str
    target_role: str
    target_company: str
    target_none: str
    company_fallback: str
    # years of experience: field n (years_stated: the number the resume states itself, said as it is)
    years_one: str
    years_many: str
    years_none: str
    years_stated: str
    no_resume: str
    # behavioral
    star_outline: str
    star_header: str  # role, where, since
    star_header_project: str
    team_member: str
    at_employer: str  # employer
    in_that_job: str
    star_situation_role: str  # where (capitalised), role / a_role
    star_situation_no_role: str  # where (capitalised)
    star_action: str  # action
    star_result: str  # result
    star_result_numbers: str  # numbers
    star_more: str  # more
    star_close: str  # target
    # technical
    key_points: str
    kb_point: str  # sentence, title
    topic_fallback: str
    tie: str  # employer, said
    tie_no_employer: str  # said
    skills_asked: str  # skills
    skills_related: str  # skills
    # background
    pitch_outline: str  # target
    intro_identity_years: str  # identity / a_identity, years
    intro_identity: str  # identity / a_identity
    intro_years: str  # years
    intro_none: str
    job_current: str  # role, employer, said
    job_previous: str
    job_recent: str
    strengths: str  # skills
    pitch_close: str  # target
    # situational
    approach: str
    anchor: str  # employer, said
    anchor_no_employer: str  # said
    steps: Mapping[str, tuple[str, ...]]  # topic -> steps; topics: first_days incident conflict deadline unclear default
    # logistics: topic -> template (target, years, level, company); topics: questions salary start location visa
    # default
    logistics: Mapping[str, str]
    levels: Mapping[str, str]  # experience level -> noun phrase used as {level}
    # clarifying
    clarify_follow_up: str  # restated, last
    clarify: str  # restated
    clarify_example_employer: str  # employer
    clarify_example: str
    # what a question asks for, in one line, when the material cannot answer it: field topic.
    # keys: explain opinion yes_no general follow_up
    asks: Mapping[str, str]
    relevant_lines: str
    no_relevant_lines: str
    # system design
    design_lead: str  # topic
    design_steps: tuple[str, ...]  # requirements, components and data flow, trade-offs, failure modes
    design_tie: str  # said
    tech_tie: str  # said
    # background questions that are not "tell me about yourself"
    weakness: tuple[str, ...]  # target (in the first)
    gap: tuple[str, ...]  # target (in the last): a gap in the resume, said plainly
    strength: str  # skills, said
    strength_no_line: str  # skills
    motivation: str  # target, said
    motivation_no_line: str  # target, years
    leaving: str  # target
    goals: str  # target, said
    goals_no_line: str
    workstyle: str  # said: the conditions of their best work, then one time they had them
    workstyle_no_line: str  # target
    studied: str  # education
    entry: str  # employer, role, since
    entry_current: str  # the same for the job the candidate still holds
    entry_no_details: str
    on_topic: str
    # follow-up
    follow_why: str  # reason
    follow_result: str  # result
    follow_more: str  # said
    # small talk: topic -> one line; topics: hear how thanks late default
    small_talk: Mapping[str, str]
    # other
    points: str
    point: str  # title, sentence
    titles: Mapping[str, str]  # summary skills project education job -> section name
    job_title: str  # role, employer: the title of a resume job

    def join(self, items: Sequence[str]) -> str:
        """ "A, B and C" in this language ("A, B und C", "A, B et C", "A, B y C")."""
        if len(items) == 1:
            return items[0]
        conjunction = self.and_
        # Spanish "y" becomes "e" before an /i/ sound: "Python e Istio" (but "y hielo").
        last = items[-1].lower()
        if self.code == "es" and (
            last.startswith("i") or (last.startswith("hi") and last[2:3] not in "aeou")
        ):
            conjunction = "e"
        return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]

    def target(self, role: str | None, company: str | None) -> str:
        """The position applied for, as a noun phrase ("the Staff Engineer role at N26")."""
        # French elides "de" before a vowel or mute h: "le poste d'Engineering Manager".
        de_role = "d'" if role and role[:1].lower() in "aeiouhéèêâîôû" else "de "
        if role and company:
            return self.target_role_company.format(role=role, company=company, de_role=de_role)
        if role:
            return self.target_role.format(role=role, de_role=de_role)
        if company:
            return self.target_company.format(company=company)
        return self.target_none

    def years(self, total_years: float, stated: int | None = None) -> str:
        """ "9+ years of experience" (fitting every template that has a {years} field). `stated`: the years
        the resume states itself ("9 Jahren"), said as they are: they win over the years computed from job
        dates, which overcount (work next to studies) or undercount (undated jobs)."""
        if stated is not None and stated >= 1:
            return (self.years_stated if stated > 1 else self.years_one).format(n=stated)
        if total_years < 1:
            return self.years_none
        n = int(total_years)
        return (self.years_one if n == 1 else self.years_many).format(n=n)


ENGLISH = Phrases(
    code="en",
    and_="and",
    target_role_company="the {role} role at {company}",
    target_role="the {role} role",
    target_company="{company}",
    target_none="this role",
    company_fallback="the company",
    years_one="{n}+ years of experience",
    years_many="{n}+ years of experience",
    years_none="experience and skills",
    years_stated="{n} years of experience",
    no_resume=(
        "\n(No resume is loaded for this session: upload one and these answers will use your own "
        "employers, numbers and skills.)"
    ),
    star_outline=(
        "STAR outline: pick one real situation, say what you were responsible for, the specific actions "
        "you took yourself, and a measurable result; end with what you learned."
    ),
    star_header="STAR story from your time as {role} {where}{since}:",
    star_header_project="STAR story from your own project work:",
    team_member="a team member",
    at_employer="at {employer}",
    in_that_job="in that job",
    star_situation_role="• Situation: {where} I was {a_role}.",
    star_situation_no_role="• Situation: {where} I was part of the team.",
    star_action="• Task and action: {action}",
    star_result="• Result: {result}",
    star_result_numbers="• Result: make the number land ({numbers}) and say who benefited from it.",
    star_more="• If they ask for more: {more}",
    star_close="Close with what you learned and how you would bring it to {target}.",
    key_points="Key points:",
    kb_point="• {sentence} (your notes: {title})",
    topic_fallback="this",
    tie="Tie it to your experience: at {employer}, {said}.",
    tie_no_employer="Tie it to your experience: at work, {said}.",
    skills_asked="You list {skills} on your resume, so expect a follow-up on it.",
    skills_related="Related skills you can mention: {skills}.",
    pitch_outline=(
        "Pitch in three beats: who you are professionally today, the one or two results you are proudest "
        "of, and why {target} is the logical next step."
    ),
    intro_identity_years="I'm {a_identity} with {years}.",
    intro_identity="I'm {a_identity}.",
    intro_years="I have {years}.",
    intro_none="I have experience.",
    job_current="Most recently, as {role} at {employer}, {said}.",
    job_previous="Before that, as {role} at {employer}, {said}.",
    job_recent="Recently, as {role} at {employer}, {said}.",
    strengths="My core strengths are {skills}.",
    pitch_close="That is why {target} interests me: it builds directly on this work.",
    approach="How I would approach it:",
    anchor="Anchor it in real experience: at {employer}, {said}.",
    anchor_no_employer="Anchor it in real experience: at a previous job, {said}.",
    steps={
        "incident": (
            (
                "Stabilise first: limit the impact (roll back, feature-flag off, fail over) before looking for "
                "the root cause."
            ),
            "Communicate early: one owner, one channel, regular updates to the people affected.",
            "Find the root cause with data (logs, metrics, recent changes), then fix it properly.",
            "Write a blameless post-mortem and follow through on the actions so it does not recur.",
        ),
        "conflict": (
            "Talk to the person one-to-one first, and listen until I can state their view fairly.",
            "Move the discussion to shared goals and evidence: data, user impact, cost.",
            "Agree on a decision and a way to revisit it, escalating only if we truly cannot.",
            "Follow up afterwards to keep the working relationship healthy.",
        ),
        "deadline": (
            "Make the gap visible early: what is done, what is left, and the realistic date.",
            "Cut scope with the stakeholders rather than quality: agree on the must-haves.",
            "Remove blockers and protect the team's focus on the critical path.",
            "Deliver, then review what made the estimate slip.",
        ),
        "unclear": (
            "Ask questions until I can write down the goal and how success will be measured.",
            "Propose a small first version and validate it with the stakeholders quickly.",
            "Iterate in short loops, making assumptions explicit as I go.",
            "Document the decisions so the next person does not start from zero.",
        ),
        "first_days": (
            "First month: meet the team and the main stakeholders, read the code and the runbooks, ship one small change.",
            "Second month: take on-call and a real piece of work, and learn where the system hurts the most.",
            "Third month: own a problem end to end and propose one improvement with its cost and benefit.",
            "Throughout: agree with my manager what success at 90 days looks like, and check it with them monthly.",
        ),
        "default": (
            "Clarify the goal, the constraints and who is affected before acting.",
            "Gather the facts and talk to the people involved.",
            "Decide on a plan, share it, and act in small, visible steps.",
            "Check the outcome against the goal and share what I learned.",
        ),
    },
    logistics={
        "salary": (
            "I'd like to understand the full package for {target} first. Given my {years}, I'm looking for "
            "a range that fits {level}; could you share the budgeted range?"
        ),
        "start": (
            "I can confirm my exact start date once I have checked my notice period, and I'm keen to move "
            "quickly on {target}. What timeline do you have in mind?"
        ),
        "location": (
            "I'm open to discussing the working arrangement. How does the team split remote and office "
            "time, and how much travel does {target} involve?"
        ),
        "visa": (
            "Happy to go through my work authorisation with you. Could you tell me whether {company} "
            "sponsors visas for this role, in case it's needed?"
        ),
        "questions": (
            "Yes, two: what would success look like in the first six months, and what is the team's biggest "
            "challenge right now?"
        ),
        "closing": (
            "Just that I'm genuinely excited about {target} and keen to contribute from the first weeks. Thank "
            "you for your time today."
        ),
        "default": (
            "Happy to help with that. Could you tell me a bit more about what you need from me, so I give "
            "you an accurate answer about {target}?"
        ),
    },
    levels={
        "entry": "an entry-level position",
        "mid": "a mid-level position",
        "senior": "a senior-level position",
        "lead": "a lead-level position",
    },
    clarify_follow_up=(
        'Just to make sure I answer the right thing: you\'d like me to go further on "{restated}", '
        'following up on "{last}"?'
    ),
    clarify='Just to make sure I understand: you\'re asking about "{restated}"?',
    clarify_example_employer=(
        "Should I focus on a specific example, for instance my work at {employer}, or keep it at a "
        "general level?"
    ),
    clarify_example="Should I give a specific example, or keep it at a general level?",
    asks={
        "explain": (
            "They want you to explain {topic}: a one-line definition, how it works, the main trade-off, and "
            "when you would not use it."
        ),
        "approach": (
            "They want to know {topic}: the approach in one line, the key steps, the main trade-off, and how "
            "you would check that it works."
        ),
        "opinion": (
            "They want your view on {topic}: your position in one sentence, one reason, and what would change "
            "your mind."
        ),
        "process": (
            "They want you to walk through {topic} step by step: each step in a sentence, in order, then the "
            "step where things most often go wrong."
        ),
        "yes_no": "They're asking whether {topic}: say yes or no first, then one concrete example.",
        "general": "They're asking about {topic}: answer in one sentence, then back it with one example.",
        "follow_up": (
            "They want you to go one step further on your last answer: the reason or the result, in a sentence "
            "or two."
        ),
    },
    relevant_lines="Your most relevant resume lines:",
    no_relevant_lines="Nothing in your resume is on this topic: keep it short and honest.",
    design_lead="Design outline for {topic}, in this order:",
    design_steps=(
        "Requirements: who uses it, the scale (requests per second, data size) and the one or two must-haves.",
        (
            "Components and data flow: entry point, core service, storage, a queue for slow work; walk one "
            "request through them."
        ),
        "Trade-offs: consistency against latency, cost against simplicity; say which you pick and why.",
        "Failure modes: timeouts, retries with idempotency, back-pressure, and the alert that tells you.",
    ),
    design_tie="Where I have built something like it: {said}.",
    tech_tie="From my own work: {said}.",
    gap=(
        "Say plainly what the time was for (family, health, study, a search that took longer), in one sentence.",
        "Name one thing you did or learned in it that matters for the work.",
        "Close with why you are ready now and what draws you to {target}.",
    ),
    weakness=(
        (
            "Name one real weakness that does not rule you out for {target}, such as taking on too much or "
            "polishing work before sharing an early draft."
        ),
        "Say what you do about it now, concretely.",
        "End with one sign that it is improving.",
    ),
    strength="My main strength is {skills}: {said}.",
    strength_no_line="My main strength is {skills}.",
    motivation="What draws me to {target} is that it builds on what I do best: {said}.",
    motivation_no_line="What draws me to {target} is the chance to build on my {years}.",
    leaving="I'm not leaving because of a problem: I'm looking for a bigger step, and {target} is that step.",
    goals="In five years I want more depth and more responsibility, starting with {target} and building on this: {said}.",
    goals_no_line="In five years I want more depth and more responsibility, starting with {target}.",
    workstyle=("Name two conditions that bring out your best work, such as clear ownership and direct, frequent "
               "feedback, then show one: {said}."),
    workstyle_no_line=("Name two conditions that bring out your best work, such as clear ownership and direct, "
                       "frequent feedback, and one time you had them."),
    studied="I studied {education}.",
    entry="At {employer} I was {role}{since}.",
    entry_current="At {employer} I am {role}{since}.",
    entry_no_details="Your resume gives no details for that job: have one concrete example ready.",
    on_topic="From my own work:",
    follow_why="The main reason: {reason}.",
    follow_result="The result: {result}.",
    follow_more="One more detail: {said}.",
    small_talk={
        "hear": "Yes, I can hear you well. Can you hear me all right?",
        "how": "Very well, thank you. And how are you?",
        "thanks": "Thank you for having me, I'm glad to be here.",
        "late": "No problem at all, thank you for making the time.",
        "default": "Thank you, happy to be here.",
    },
    points="Points you can draw on:",
    point="• {title}: {sentence}",
    titles={
        "summary": "Summary",
        "skills": "Skills",
        "project": "Project",
        "education": "Education",
        "job": "Job description",
    },
    job_title="{role} at {employer}",
)

GERMAN = Phrases(
    code="de",
    and_="und",
    target_role_company="die Stelle als {role} bei {company}",
    target_role="die Stelle als {role}",
    target_company="die Stelle bei {company}",
    target_none="diese Stelle",
    company_fallback="Ihr Unternehmen",
    years_one="über ein Jahr Berufserfahrung",
    years_many="über {n} Jahre Berufserfahrung",
    years_none="passende Erfahrung und Kenntnisse",
    years_stated="{n} Jahre Berufserfahrung",
    no_resume=(
        "\n(Für diese Sitzung ist kein Lebenslauf hinterlegt: Laden Sie einen hoch, dann stützen sich diese "
        "Antworten auf Ihre eigenen Arbeitgeber, Zahlen und Kenntnisse.)"
    ),
    star_outline=(
        "STAR-Gliederung: Wählen Sie eine echte Situation, sagen Sie, wofür Sie verantwortlich waren, was "
        "Sie selbst konkret getan haben und welches messbare Ergebnis dabei herauskam; schließen Sie mit "
        "dem, was Sie daraus gelernt haben."
    ),
    star_header="STAR-Geschichte aus Ihrer Zeit als {role} {where}{since}:",
    star_header_project="STAR-Geschichte aus Ihrer eigenen Projektarbeit:",
    team_member="Teammitglied",
    at_employer="bei {employer}",
    in_that_job="in dieser Position",
    star_situation_role="• Situation: {where} war ich {role}.",
    star_situation_no_role="• Situation: {where} war ich Teil des Teams.",
    star_action="• Aufgabe und Vorgehen: {action}",
    star_result="• Ergebnis: {result}",
    star_result_numbers=(
        "• Ergebnis: Stellen Sie die Zahl in den Mittelpunkt ({numbers}) und sagen Sie, wer davon "
        "profitiert hat."
    ),
    star_more="• Falls nachgefragt wird: {more}",
    star_close=(
        "Schließen Sie damit, was Sie daraus gelernt haben und wie Sie das in {target} einbringen würden."
    ),
    key_points="Kernpunkte:",
    kb_point="• {sentence} (Ihre Notizen: {title})",
    topic_fallback="diesem Thema",
    tie="Verknüpfen Sie das mit Ihrer Erfahrung bei {employer}: {said}.",
    tie_no_employer="Verknüpfen Sie das mit Ihrer Berufserfahrung: {said}.",
    skills_asked="Sie führen {skills} in Ihrem Lebenslauf auf – rechnen Sie mit einer Nachfrage dazu.",
    skills_related="Passende Kenntnisse, die Sie erwähnen können: {skills}.",
    pitch_outline=(
        "Pitch in drei Schritten: wer Sie beruflich heute sind, die ein, zwei Erfolge, auf die Sie am "
        "meisten stolz sind, und warum {target} der logische nächste Schritt ist."
    ),
    intro_identity_years="Ich bin {identity} und bringe {years} mit.",
    intro_identity="Ich bin {identity}.",
    intro_years="Ich bringe {years} mit.",
    intro_none="Ich bringe Berufserfahrung mit.",
    job_current="Derzeit bin ich {role} bei {employer}: {said}.",
    job_previous="Davor war ich {role} bei {employer}: {said}.",
    job_recent="Zuletzt war ich {role} bei {employer}: {said}.",
    strengths="Meine Kernkompetenzen sind {skills}.",
    pitch_close="Deshalb interessiert mich {target}: sie baut direkt auf dieser Arbeit auf.",
    approach="So würde ich vorgehen:",
    anchor="Untermauern Sie das mit echter Erfahrung bei {employer}: {said}.",
    anchor_no_employer="Untermauern Sie das mit echter Erfahrung aus einer früheren Stelle: {said}.",
    steps={
        "incident": (
            (
                "Zuerst stabilisieren: die Auswirkungen begrenzen (Rollback, Feature-Flag aus, Failover), bevor "
                "ich die Ursache suche."
            ),
            (
                "Früh kommunizieren: eine verantwortliche Person, ein Kanal, regelmäßige Updates an alle "
                "Betroffenen."
            ),
            "Die Ursache mit Daten finden (Logs, Metriken, letzte Änderungen) und dann sauber beheben.",
            (
                "Ein Post-Mortem ohne Schuldzuweisungen schreiben und die Maßnahmen umsetzen, damit es nicht "
                "wieder passiert."
            ),
        ),
        "conflict": (
            (
                "Zuerst unter vier Augen mit der Person sprechen und zuhören, bis ich ihre Sicht fair "
                "wiedergeben kann."
            ),
            "Das Gespräch auf gemeinsame Ziele und Fakten lenken: Daten, Auswirkungen auf die Nutzer, Kosten.",
            (
                "Uns auf eine Entscheidung einigen und darauf, wann wir sie überprüfen; eskalieren nur, wenn wir "
                "wirklich nicht weiterkommen."
            ),
            "Danach nachfassen, damit die Zusammenarbeit gut bleibt.",
        ),
        "deadline": (
            "Die Lücke früh sichtbar machen: was fertig ist, was fehlt und welcher Termin realistisch ist.",
            "Mit den Stakeholdern lieber den Umfang kürzen als die Qualität: uns auf die Must-haves einigen.",
            "Blocker aus dem Weg räumen und dem Team den Rücken für den kritischen Pfad freihalten.",
            "Liefern und danach analysieren, warum die Schätzung nicht gehalten hat.",
        ),
        "unclear": (
            "So lange Fragen stellen, bis ich das Ziel aufschreiben kann und weiß, woran Erfolg gemessen wird.",
            "Eine kleine erste Version vorschlagen und sie schnell mit den Stakeholdern validieren.",
            "In kurzen Schleifen iterieren und meine Annahmen dabei offenlegen.",
            "Die Entscheidungen dokumentieren, damit die nächste Person nicht bei null anfängt.",
        ),
        "first_days": (
            "Erster Monat: das Team und die wichtigsten Stakeholder kennenlernen, Code und Runbooks lesen, eine kleine Änderung ausliefern.",
            "Zweiter Monat: Rufbereitschaft und eine echte Aufgabe übernehmen und lernen, wo das System am meisten schmerzt.",
            "Dritter Monat: ein Problem von Anfang bis Ende verantworten und eine Verbesserung mit Kosten und Nutzen vorschlagen.",
            "Durchgehend: mit der Führungskraft vereinbaren, wie Erfolg nach 90 Tagen aussieht, und das monatlich prüfen.",
        ),
        "default": (
            "Vor dem Handeln klären: das Ziel, die Rahmenbedingungen und wer betroffen ist.",
            "Die Fakten sammeln und mit den Beteiligten sprechen.",
            "Einen Plan festlegen, ihn teilen und in kleinen, sichtbaren Schritten umsetzen.",
            "Das Ergebnis am Ziel messen und teilen, was ich daraus gelernt habe.",
        ),
    },
    logistics={
        "salary": (
            "Ich würde gern zuerst das Gesamtpaket für {target} verstehen. Ich bringe {years} mit und suche "
            "eine Gehaltsspanne, die zu {level} passt. Können Sie mir sagen, welche Spanne dafür vorgesehen ist?"
        ),
        "start": (
            "Mein genaues Eintrittsdatum bestätige ich gern, sobald ich meine Kündigungsfrist geprüft habe. "
            "Ich möchte zügig vorankommen, denn {target} reizt mich sehr. Welchen Zeitplan haben Sie sich "
            "vorgestellt?"
        ),
        "location": (
            "Über das Arbeitsmodell spreche ich gern. Wie teilt das Team die Zeit zwischen Homeoffice und "
            "Büro auf, und wie viel Reisetätigkeit bringt {target} mit sich?"
        ),
        "visa": (
            "Gern gehe ich meine Arbeitserlaubnis mit Ihnen durch. Können Sie mir sagen, ob {company} für "
            "diese Stelle bei Bedarf ein Visum unterstützt?"
        ),
        "questions": (
            "Ja, zwei: Woran messen Sie Erfolg in den ersten sechs Monaten, und was ist gerade die größte "
            "Herausforderung des Teams?"
        ),
        "closing": (
            "Nur, dass mich {target} wirklich reizt und ich schon in den ersten Wochen beitragen möchte. Vielen "
            "Dank für Ihre Zeit heute."
        ),
        "default": (
            "Gern. Können Sie mir etwas genauer sagen, was Sie von mir brauchen, damit ich Ihnen mit Blick "
            "auf {target} eine genaue Antwort geben kann?"
        ),
    },
    levels={
        "entry": "einer Einstiegsposition",
        "mid": "einer Position mit mehreren Jahren Erfahrung",
        "senior": "einer Senior-Position",
        "lead": "einer Lead-Position",
    },
    clarify_follow_up=(
        "Damit ich das Richtige beantworte: Sie möchten, dass ich näher auf „{restated}“ eingehe, "
        "anknüpfend an „{last}“?"
    ),
    clarify="Nur damit ich Sie richtig verstehe: Sie fragen nach „{restated}“?",
    clarify_example_employer=(
        "Soll ich mich auf ein konkretes Beispiel konzentrieren, etwa meine Arbeit bei {employer}, oder eher "
        "allgemein bleiben?"
    ),
    clarify_example="Soll ich ein konkretes Beispiel geben oder eher allgemein bleiben?",
    asks={
        "explain": (
            "Gefragt ist eine Erklärung zu {topic}: eine Definition in einem Satz, wie es funktioniert, die "
            "wichtigste Abwägung und wann Sie es nicht einsetzen würden."
        ),
        "approach": (
            "Gefragt ist, {topic}: der Ansatz in einem Satz, die wichtigsten Schritte, die wichtigste Abwägung "
            "und woran Sie merken, dass es funktioniert."
        ),
        "opinion": (
            "Gefragt ist Ihre Meinung zu {topic}: Ihre Position in einem Satz, ein Grund und was Ihre Meinung "
            "ändern würde."
        ),
        "process": (
            "Gefragt ist der Ablauf, {topic}: Schritt für Schritt, jeder Schritt in einem Satz, dann der Schritt, "
            "an dem es am häufigsten hakt."
        ),
        "yes_no": "Gefragt ist, ob {topic}: zuerst ja oder nein, dann ein konkretes Beispiel.",
        "general": "Gefragt ist nach {topic}: antworten Sie in einem Satz und belegen Sie ihn mit einem Beispiel.",
        "follow_up": (
            "Gefragt ist ein Schritt weiter zu Ihrer letzten Antwort: der Grund oder das Ergebnis, in ein, zwei "
            "Sätzen."
        ),
    },
    relevant_lines="Die passendsten Zeilen Ihres Lebenslaufs:",
    no_relevant_lines="Ihr Lebenslauf enthält nichts zu diesem Thema: antworten Sie kurz und ehrlich.",
    design_lead="Entwurf für {topic}, in dieser Reihenfolge:",
    design_steps=(
        "Anforderungen: wer es nutzt, die Last (Anfragen pro Sekunde, Datenmenge) und die ein, zwei Muss-Kriterien.",
        (
            "Komponenten und Datenfluss: Einstiegspunkt, Kerndienst, Speicher, eine Queue für langsame Arbeit; "
            "gehen Sie eine Anfrage durch."
        ),
        "Abwägungen: Konsistenz gegen Latenz, Kosten gegen Einfachheit; sagen Sie, was Sie wählen und warum.",
        "Fehlerfälle: Timeouts, Wiederholungen mit Idempotenz, Backpressure und der Alarm, der es meldet.",
    ),
    design_tie="Wo ich etwas Ähnliches gebaut habe: {said}.",
    tech_tie="Aus meiner eigenen Arbeit: {said}.",
    gap=(
        "Sagen Sie in einem Satz offen, wofür die Zeit war (Familie, Gesundheit, Weiterbildung, eine längere Suche).",
        "Nennen Sie eine Sache, die Sie in dieser Zeit getan oder gelernt haben und die für die Arbeit zählt.",
        "Schließen Sie damit, warum Sie jetzt bereit sind und was Sie an {target} reizt.",
    ),
    weakness=(
        (
            "Nennen Sie eine echte Schwäche, die Sie für {target} nicht ausschließt, etwa zu viel auf einmal "
            "übernehmen oder Arbeit zu lange feilen, bevor Sie einen Entwurf teilen."
        ),
        "Sagen Sie konkret, was Sie heute dagegen tun.",
        "Schließen Sie mit einem Zeichen, dass es besser wird.",
    ),
    strength="Meine größte Stärke ist {skills}: {said}.",
    strength_no_line="Meine größte Stärke ist {skills}.",
    motivation="Mich reizt {target}, weil sie auf dem aufbaut, was ich am besten kann: {said}.",
    motivation_no_line="Mich reizt {target}, weil ich dort auf {years} aufbauen kann.",
    leaving="Ich gehe nicht wegen eines Problems: Ich suche den nächsten größeren Schritt, und das ist {target}.",
    goals="In fünf Jahren möchte ich mehr Tiefe und mehr Verantwortung haben, beginnend mit {target}, aufbauend darauf: {said}.",
    goals_no_line="In fünf Jahren möchte ich mehr Tiefe und mehr Verantwortung haben, beginnend mit {target}.",
    workstyle=("Nennen Sie zwei Bedingungen, unter denen Sie am besten arbeiten, etwa klare Verantwortung und "
               "direktes, häufiges Feedback, und zeigen Sie eine davon: {said}."),
    workstyle_no_line=("Nennen Sie zwei Bedingungen, unter denen Sie am besten arbeiten, etwa klare Verantwortung "
                       "und direktes, häufiges Feedback, und ein Beispiel, wo Sie sie hatten."),
    studied="Meine Ausbildung: {education}.",
    entry="Bei {employer} war ich {role}{since}.",
    entry_current="Bei {employer} bin ich {role}{since}.",
    entry_no_details="Ihr Lebenslauf nennt keine Details zu dieser Stelle: Halten Sie ein konkretes Beispiel bereit.",
    on_topic="Aus meiner eigenen Arbeit:",
    follow_why="Der Hauptgrund: {reason}.",
    follow_result="Das Ergebnis: {result}.",
    follow_more="Noch ein Detail: {said}.",
    small_talk={
        "hear": "Ja, ich höre Sie gut. Hören Sie mich auch gut?",
        "how": "Sehr gut, danke. Und wie geht es Ihnen?",
        "thanks": "Vielen Dank für die Einladung, ich freue mich, hier zu sein.",
        "late": "Kein Problem, danke, dass Sie sich die Zeit nehmen.",
        "default": "Danke, ich freue mich, hier zu sein.",
    },
    points="Punkte, auf die Sie zurückgreifen können:",
    point="• {title}: {sentence}",
    titles={
        "summary": "Profil",
        "skills": "Kenntnisse",
        "project": "Projekt",
        "education": "Ausbildung",
        "job": "Stellenbeschreibung",
    },
    job_title="{role} bei {employer}",
)

FRENCH = Phrases(
    code="fr",
    and_="et",
    target_role_company="le poste {de_role}{role} chez {company}",
    target_role="le poste {de_role}{role}",
    target_company="le poste chez {company}",
    target_none="ce poste",
    company_fallback="votre entreprise",
    years_one="plus d'un an d'expérience",
    years_many="plus de {n} ans d'expérience",
    years_none="mon expérience et mes compétences",
    years_stated="{n} ans d'expérience",
    no_resume=(
        "\n(Aucun CV n'est chargé pour cette session : importez-en un et ces réponses s'appuieront sur vos "
        "propres employeurs, chiffres et compétences.)"
    ),
    star_outline=(
        "Plan STAR : choisissez une situation réelle, dites de quoi vous étiez responsable, les actions "
        "concrètes que vous avez menées vous-même et un résultat mesurable ; terminez par ce que vous en "
        "avez appris."
    ),
    star_header="Histoire STAR tirée de votre expérience en tant que {role} {where}{since} :",
    star_header_project="Histoire STAR tirée de vos propres projets :",
    team_member="membre de l'équipe",
    at_employer="chez {employer}",
    in_that_job="dans ce poste",
    star_situation_role="• Situation : {where}, j'étais {role}.",
    star_situation_no_role="• Situation : {where}, je faisais partie de l'équipe.",
    star_action="• Tâche et action : {action}",
    star_result="• Résultat : {result}",
    star_result_numbers=("• Résultat : mettez le chiffre en avant ({numbers}) et dites qui en a bénéficié."),
    star_more="• Si l'on vous demande des détails : {more}",
    star_close=(
        "Concluez sur ce que vous en avez appris et sur la façon dont vous le mettriez à profit dans {target}."
    ),
    key_points="Points clés :",
    kb_point="• {sentence} (vos notes : {title})",
    topic_fallback="ce sujet",
    tie="Reliez cela à votre expérience chez {employer} : {said}.",
    tie_no_employer="Reliez cela à votre expérience professionnelle : {said}.",
    skills_asked="Vous mentionnez {skills} dans votre CV : attendez-vous à une question de suivi.",
    skills_related="Compétences liées que vous pouvez mentionner : {skills}.",
    pitch_outline=(
        "Présentation en trois temps : qui vous êtes professionnellement aujourd'hui, une ou deux de vos "
        "plus belles réussites, et pourquoi {target} est la suite logique."
    ),
    intro_identity_years="Je suis {identity} avec {years}.",
    intro_identity="Je suis {identity}.",
    intro_years="J'ai {years}.",
    intro_none="J'ai de l'expérience professionnelle.",
    job_current="Actuellement, je suis {role} chez {employer} : {said}.",
    job_previous="Auparavant, j'étais {role} chez {employer} : {said}.",
    job_recent="Récemment, j'étais {role} chez {employer} : {said}.",
    strengths="Mes principales compétences sont {skills}.",
    pitch_close="C'est pourquoi {target} m'intéresse : il s'appuie directement sur ce travail.",
    approach="Voici comment je m'y prendrais :",
    anchor="Appuyez-vous sur une expérience réelle chez {employer} : {said}.",
    anchor_no_employer="Appuyez-vous sur une expérience réelle dans un poste précédent : {said}.",
    steps={
        "incident": (
            (
                "Stabiliser d'abord : limiter l'impact (rollback, désactivation du feature flag, bascule) avant "
                "de chercher la cause racine."
            ),
            (
                "Communiquer tôt : un responsable, un seul canal, des points réguliers pour les personnes "
                "concernées."
            ),
            (
                "Trouver la cause racine à partir des données (logs, métriques, changements récents), puis la "
                "corriger proprement."
            ),
            (
                "Rédiger un post-mortem sans chercher de coupable et mener les actions à terme pour que cela ne "
                "se reproduise pas."
            ),
        ),
        "conflict": (
            (
                "Parler d'abord en tête-à-tête avec la personne, et écouter jusqu'à pouvoir restituer "
                "fidèlement son point de vue."
            ),
            (
                "Ramener la discussion aux objectifs communs et aux faits : données, impact pour les "
                "utilisateurs, coût."
            ),
            (
                "Nous mettre d'accord sur une décision et sur le moment de la réexaminer, et n'escalader que si "
                "nous sommes vraiment bloqués."
            ),
            "Faire le point ensuite pour préserver une bonne relation de travail.",
        ),
        "deadline": (
            "Rendre l'écart visible tôt : ce qui est fait, ce qui reste et la date réaliste.",
            (
                "Réduire le périmètre avec les parties prenantes plutôt que la qualité : nous accorder sur "
                "l'essentiel."
            ),
            "Lever les blocages et protéger la concentration de l'équipe sur le chemin critique.",
            "Livrer, puis analyser pourquoi l'estimation a dérapé.",
        ),
        "unclear": (
            "Poser des questions jusqu'à pouvoir écrire l'objectif et la façon dont le succès sera mesuré.",
            "Proposer une première version réduite et la valider rapidement avec les parties prenantes.",
            "Itérer par cycles courts, en explicitant mes hypothèses au fur et à mesure.",
            "Documenter les décisions pour que la personne suivante ne reparte pas de zéro.",
        ),
        "first_days": (
            "Premier mois : rencontrer l'équipe et les principaux interlocuteurs, lire le code et les procédures, livrer un petit changement.",
            "Deuxième mois : prendre l'astreinte et un vrai sujet, et apprendre où le système fait le plus mal.",
            "Troisième mois : porter un problème de bout en bout et proposer une amélioration avec son coût et son bénéfice.",
            "Tout du long : convenir avec mon manager de ce qu'est une réussite à 90 jours, et le vérifier avec lui chaque mois.",
        ),
        "default": (
            "Clarifier l'objectif, les contraintes et les personnes concernées avant d'agir.",
            "Rassembler les faits et parler aux personnes impliquées.",
            "Décider d'un plan, le partager et avancer par petites étapes visibles.",
            "Comparer le résultat à l'objectif et partager ce que j'en ai appris.",
        ),
    },
    logistics={
        "salary": (
            "J'aimerais d'abord comprendre l'ensemble de la rémunération prévue pour {target}. Avec {years}, "
            "je vise une fourchette qui corresponde à {level} ; pourriez-vous me dire quelle fourchette est "
            "prévue ?"
        ),
        "start": (
            "Je pourrai vous confirmer ma date de démarrage exacte dès que j'aurai vérifié mon préavis, et je "
            "souhaite avancer rapidement, car {target} m'intéresse vraiment. Quel calendrier envisagez-vous ?"
        ),
        "location": (
            "Je veux bien discuter de l'organisation du travail. Comment l'équipe répartit-elle le "
            "télétravail et la présence au bureau, et combien de déplacements {target} implique-t-il ?"
        ),
        "visa": (
            "Je peux volontiers faire le point avec vous sur mon autorisation de travail. Pourriez-vous me "
            "dire si {company} prend en charge le visa pour ce poste, si nécessaire ?"
        ),
        "questions": (
            "Oui, deux : à quoi reconnaîtrez-vous la réussite au bout de six mois, et quel est aujourd'hui le "
            "plus grand défi de l'équipe ?"
        ),
        "closing": (
            "Simplement que {target} me motive vraiment et que j'ai hâte de contribuer dès les premières "
            "semaines. Merci pour votre temps aujourd'hui."
        ),
        "default": (
            "Avec plaisir. Pourriez-vous me préciser ce dont vous avez besoin, pour que je vous donne une "
            "réponse exacte concernant {target} ?"
        ),
    },
    levels={
        "entry": "un poste junior",
        "mid": "un poste de niveau confirmé",
        "senior": "un poste senior",
        "lead": "un poste de lead technique",
    },
    clarify_follow_up=(
        "Pour bien répondre à votre question : vous souhaitez que je développe « {restated} », dans la "
        "suite de « {last} » ?"
    ),
    clarify="Si je vous comprends bien, votre question porte sur « {restated} » ?",
    clarify_example_employer=(
        "Voulez-vous que je m'appuie sur un exemple précis, par exemple mon travail chez {employer}, ou "
        "que je réponde de façon plus générale ?"
    ),
    clarify_example="Voulez-vous un exemple précis, ou une réponse plus générale ?",
    asks={
        "explain": (
            "On vous demande d'expliquer {topic} : une définition en une phrase, comment cela fonctionne, le "
            "principal compromis et quand vous ne l'utiliseriez pas."
        ),
        "approach": (
            "On vous demande {topic} : l'approche en une phrase, les étapes clés, le principal compromis et "
            "comment vous vérifieriez que cela fonctionne."
        ),
        "opinion": (
            "On vous demande votre avis sur {topic} : votre position en une phrase, une raison, et ce qui vous "
            "ferait changer d'avis."
        ),
        "process": (
            "On vous demande de dérouler {topic} étape par étape : chaque étape en une phrase, dans l'ordre, "
            "puis celle où les choses se passent le plus souvent mal."
        ),
        "yes_no": "On vous demande si {topic} : répondez d'abord oui ou non, puis donnez un exemple concret.",
        "general": "On vous interroge sur {topic} : répondez en une phrase, puis appuyez-la sur un exemple.",
        "follow_up": (
            "On vous demande d'aller un cran plus loin dans votre dernière réponse : la raison ou le résultat, "
            "en une ou deux phrases."
        ),
    },
    relevant_lines="Les lignes de votre CV les plus pertinentes :",
    no_relevant_lines="Rien dans votre CV ne porte sur ce sujet : restez bref et honnête.",
    design_lead="Plan de conception pour {topic}, dans cet ordre :",
    design_steps=(
        (
            "Exigences : qui l'utilise, la charge (requêtes par seconde, volume de données) et les un ou deux "
            "impératifs."
        ),
        (
            "Composants et flux de données : point d'entrée, service principal, stockage, une file pour le "
            "travail lent ; suivez une requête de bout en bout."
        ),
        "Compromis : cohérence contre latence, coût contre simplicité ; dites ce que vous choisissez et pourquoi.",
        "Modes de défaillance : timeouts, reprises idempotentes, back-pressure et l'alerte qui vous prévient.",
    ),
    design_tie="Là où j'ai construit quelque chose de proche : {said}.",
    tech_tie="Dans mon propre travail : {said}.",
    gap=(
        "Dites simplement, en une phrase, à quoi a servi cette période (famille, santé, études, une recherche plus longue).",
        "Citez une chose que vous y avez faite ou apprise et qui compte pour le poste.",
        "Terminez par pourquoi vous êtes prêt maintenant et ce qui vous attire dans {target}.",
    ),
    weakness=(
        (
            "Citez une vraie faiblesse qui ne vous disqualifie pas pour {target}, par exemple prendre trop de "
            "choses en charge ou peaufiner un travail avant d'en partager une première version."
        ),
        "Dites concrètement ce que vous faites aujourd'hui pour y remédier.",
        "Terminez par un signe que cela s'améliore.",
    ),
    strength="Ma principale force, c'est {skills} : {said}.",
    strength_no_line="Ma principale force, c'est {skills}.",
    motivation="Ce qui m'attire dans {target}, c'est qu'il prolonge ce que je fais de mieux : {said}.",
    motivation_no_line="Ce qui m'attire dans {target}, c'est de pouvoir m'appuyer sur {years}.",
    leaving="Je ne pars pas à cause d'un problème : je cherche une étape plus grande, et {target} en est une.",
    goals="Dans cinq ans, je veux avoir gagné en profondeur et en responsabilités, en commençant par {target}, à partir de ceci : {said}.",
    goals_no_line="Dans cinq ans, je veux avoir gagné en profondeur et en responsabilités, en commençant par {target}.",
    workstyle=("Citez deux conditions qui font ressortir votre meilleur travail, par exemple une responsabilité "
               "claire et des retours directs et fréquents, puis montrez-en une : {said}."),
    workstyle_no_line=("Citez deux conditions qui font ressortir votre meilleur travail, par exemple une "
                       "responsabilité claire et des retours directs et fréquents, et une fois où vous les avez eues."),
    studied="Ma formation : {education}.",
    entry="Chez {employer}, j'étais {role}{since}.",
    entry_current="Chez {employer}, je suis {role}{since}.",
    entry_no_details="Votre CV ne donne aucun détail sur ce poste : préparez un exemple concret.",
    on_topic="Dans mon propre travail :",
    follow_why="La raison principale : {reason}.",
    follow_result="Le résultat : {result}.",
    follow_more="Un détail de plus : {said}.",
    small_talk={
        "hear": "Oui, je vous entends bien. Vous m'entendez bien aussi ?",
        "how": "Très bien, merci. Et vous ?",
        "thanks": "Merci de me recevoir, je suis content de vous rencontrer.",
        "late": "Aucun souci, merci de prendre ce temps.",
        "default": "Merci, avec plaisir.",
    },
    points="Éléments sur lesquels vous appuyer :",
    point="• {title} : {sentence}",
    titles={
        "summary": "Profil",
        "skills": "Compétences",
        "project": "Projet",
        "education": "Formation",
        "job": "Offre d'emploi",
    },
    job_title="{role} chez {employer}",
)

SPANISH = Phrases(
    code="es",
    and_="y",
    target_role_company="el puesto de {role} en {company}",
    target_role="el puesto de {role}",
    target_company="el puesto en {company}",
    target_none="este puesto",
    company_fallback="su empresa",
    years_one="más de un año de experiencia",
    years_many="más de {n} años de experiencia",
    years_none="mi experiencia y mis habilidades",
    years_stated="{n} años de experiencia",
    no_resume=(
        "\n(No hay ningún currículum cargado en esta sesión: sube uno y estas respuestas usarán tus propios "
        "empleadores, cifras y habilidades.)"
    ),
    star_outline=(
        "Esquema STAR: elige una situación real, explica de qué eras responsable, qué acciones concretas "
        "tomaste tú y un resultado medible; termina con lo que aprendiste."
    ),
    star_header="Historia STAR de tu etapa como {role} {where}{since}:",
    star_header_project="Historia STAR de tus propios proyectos:",
    team_member="miembro del equipo",
    at_employer="en {employer}",
    in_that_job="en ese trabajo",
    star_situation_role="• Situación: {where} trabajaba como {role}.",
    star_situation_no_role="• Situación: {where} formaba parte del equipo.",
    star_action="• Tarea y acción: {action}",
    star_result="• Resultado: {result}",
    star_result_numbers="• Resultado: destaca la cifra ({numbers}) y di quién se benefició.",
    star_more="• Si te piden más detalles: {more}",
    star_close="Cierra con lo que aprendiste y cómo lo aplicarías en {target}.",
    key_points="Puntos clave:",
    kb_point="• {sentence} (tus notas: {title})",
    topic_fallback="este tema",
    tie="Relaciónalo con tu experiencia en {employer}: {said}.",
    tie_no_employer="Relaciónalo con tu experiencia profesional: {said}.",
    skills_asked="Incluyes {skills} en tu currículum, así que prepárate para una pregunta de seguimiento.",
    skills_related="Habilidades relacionadas que puedes mencionar: {skills}.",
    pitch_outline=(
        "Presentación en tres partes: quién eres profesionalmente hoy, uno o dos de tus mayores logros y "
        "por qué {target} es el siguiente paso lógico."
    ),
    intro_identity_years="Soy {identity} con {years}.",
    intro_identity="Soy {identity}.",
    intro_years="Tengo {years}.",
    intro_none="Tengo experiencia profesional.",
    job_current="Actualmente trabajo como {role} en {employer}: {said}.",
    job_previous="Antes trabajé como {role} en {employer}: {said}.",
    job_recent="Recientemente trabajé como {role} en {employer}: {said}.",
    strengths="Mis principales fortalezas son {skills}.",
    pitch_close="Por eso me interesa {target}: se basa directamente en este trabajo.",
    approach="Así lo abordaría:",
    anchor="Apóyalo en experiencia real en {employer}: {said}.",
    anchor_no_employer="Apóyalo en experiencia real de un trabajo anterior: {said}.",
    steps={
        "incident": (
            (
                "Primero, estabilizar: limitar el impacto (rollback, desactivar el feature flag, failover) antes "
                "de buscar la causa raíz."
            ),
            "Comunicar pronto: un responsable, un canal y actualizaciones periódicas para los afectados.",
            "Encontrar la causa raíz con datos (logs, métricas, cambios recientes) y luego corregirla bien.",
            (
                "Escribir un post-mortem sin buscar culpables y cumplir las acciones acordadas para que no se "
                "repita."
            ),
        ),
        "conflict": (
            (
                "Hablar primero a solas con la persona y escuchar hasta poder explicar su punto de vista con "
                "justicia."
            ),
            (
                "Llevar la conversación a los objetivos comunes y a los hechos: datos, impacto en los usuarios, "
                "costo."
            ),
            "Acordar una decisión y cuándo revisarla, y escalar solo si de verdad no llegamos a un acuerdo.",
            "Hacer seguimiento después para mantener una buena relación de trabajo.",
        ),
        "deadline": (
            "Hacer visible el desfase cuanto antes: qué está hecho, qué falta y cuál es la fecha realista.",
            "Recortar alcance con las partes interesadas en lugar de calidad: acordar lo imprescindible.",
            "Eliminar bloqueos y proteger el foco del equipo en la ruta crítica.",
            "Entregar y luego revisar por qué se desvió la estimación.",
        ),
        "unclear": (
            "Hacer preguntas hasta poder escribir el objetivo y cómo se medirá el éxito.",
            "Proponer una primera versión pequeña y validarla rápido con las partes interesadas.",
            "Iterar en ciclos cortos y dejar explícitas mis suposiciones sobre la marcha.",
            "Documentar las decisiones para que la siguiente persona no empiece de cero.",
        ),
        "first_days": (
            "Primer mes: conocer al equipo y a los principales interesados, leer el código y los procedimientos, entregar un cambio pequeño.",
            "Segundo mes: asumir guardias y un trabajo real, y aprender dónde más le duele al sistema.",
            "Tercer mes: encargarme de un problema de principio a fin y proponer una mejora con su coste y su beneficio.",
            "Durante todo el periodo: acordar con mi responsable qué es el éxito a los 90 días y revisarlo con él cada mes.",
        ),
        "default": (
            "Aclarar el objetivo, las restricciones y a quién afecta antes de actuar.",
            "Reunir los hechos y hablar con las personas implicadas.",
            "Decidir un plan, compartirlo y avanzar en pasos pequeños y visibles.",
            "Comprobar el resultado frente al objetivo y compartir lo que aprendí.",
        ),
    },
    logistics={
        "salary": (
            "Primero me gustaría conocer el paquete completo para {target}. Con {years}, busco una banda "
            "salarial acorde con {level}; ¿podría indicarme el rango previsto?"
        ),
        "start": (
            "Podré confirmar mi fecha exacta de incorporación en cuanto revise mi periodo de preaviso, y me "
            "gustaría avanzar rápido, porque {target} me interesa mucho. ¿Qué plazos tienen en mente?"
        ),
        "location": (
            "Con gusto hablamos de la modalidad de trabajo. ¿Cómo reparte el equipo el tiempo entre remoto y "
            "oficina, y cuántos viajes implica {target}?"
        ),
        "visa": (
            "Con gusto repasamos mi permiso de trabajo. ¿Podría decirme si {company} patrocina visas para "
            "este puesto, en caso de que haga falta?"
        ),
        "questions": (
            "Sí, dos: ¿cómo medirían el éxito en los primeros seis meses y cuál es ahora el mayor reto del "
            "equipo?"
        ),
        "closing": (
            "Solo que {target} me motiva de verdad y que tengo ganas de aportar desde las primeras semanas. "
            "Gracias por su tiempo hoy."
        ),
        "default": (
            "Con gusto. ¿Podría contarme un poco más sobre lo que necesita saber, para darle una respuesta "
            "precisa sobre {target}?"
        ),
    },
    levels={
        "entry": "un puesto junior",
        "mid": "un puesto de nivel intermedio",
        "senior": "un puesto sénior",
        "lead": "un puesto de liderazgo técnico",
    },
    clarify_follow_up=(
        "Para asegurarme de responder a lo que me pregunta: ¿quiere que profundice en «{restated}», "
        "siguiendo con «{last}»?"
    ),
    clarify="Para asegurarme de que le entiendo: ¿me pregunta por «{restated}»?",
    clarify_example_employer=(
        "¿Prefiere que me centre en un ejemplo concreto, como mi trabajo en {employer}, o que me mantenga "
        "en un plano general?"
    ),
    clarify_example="¿Prefiere un ejemplo concreto o una respuesta más general?",
    asks={
        "explain": (
            "Te piden explicar {topic}: una definición en una frase, cómo funciona, la principal contrapartida "
            "y cuándo no lo usarías."
        ),
        "approach": (
            "Te preguntan {topic}: el enfoque en una frase, los pasos clave, la principal contrapartida y cómo "
            "comprobarías que funciona."
        ),
        "opinion": (
            "Te piden tu opinión sobre {topic}: tu postura en una frase, una razón y qué te haría cambiar de "
            "opinión."
        ),
        "process": (
            "Te piden recorrer {topic} paso a paso: cada paso en una frase, en orden, y luego el paso en el que "
            "algo falla con más frecuencia."
        ),
        "yes_no": "Te preguntan si {topic}: di primero sí o no y luego da un ejemplo concreto.",
        "general": "Te preguntan por {topic}: responde en una frase y respáldala con un ejemplo.",
        "follow_up": (
            "Te piden ir un paso más allá en tu última respuesta: la razón o el resultado, en una o dos frases."
        ),
    },
    relevant_lines="Las líneas más relevantes de tu currículum:",
    no_relevant_lines="Tu currículum no dice nada sobre este tema: responde breve y con honestidad.",
    design_lead="Esquema de diseño para {topic}, en este orden:",
    design_steps=(
        "Requisitos: quién lo usa, la escala (peticiones por segundo, volumen de datos) y lo imprescindible.",
        (
            "Componentes y flujo de datos: punto de entrada, servicio principal, almacenamiento, una cola para "
            "el trabajo lento; recorre una petición de principio a fin."
        ),
        "Contrapartidas: consistencia frente a latencia, coste frente a sencillez; di qué eliges y por qué.",
        "Modos de fallo: timeouts, reintentos idempotentes, back-pressure y la alerta que te avisa.",
    ),
    design_tie="Donde construí algo parecido: {said}.",
    tech_tie="De mi propio trabajo: {said}.",
    gap=(
        "Di con claridad, en una frase, para qué fue ese tiempo (familia, salud, estudios, una búsqueda más larga).",
        "Nombra una cosa que hiciste o aprendiste en él y que importa para el trabajo.",
        "Cierra con por qué estás listo ahora y qué te atrae de {target}.",
    ),
    weakness=(
        (
            "Nombra una debilidad real que no te descarte para {target}, como asumir demasiado o pulir un "
            "trabajo antes de compartir un primer borrador."
        ),
        "Di qué haces hoy al respecto, en concreto.",
        "Termina con una señal de que está mejorando.",
    ),
    strength="Mi principal fortaleza es {skills}: {said}.",
    strength_no_line="Mi principal fortaleza es {skills}.",
    motivation="Me atrae {target} porque se basa en lo que mejor hago: {said}.",
    motivation_no_line="Me atrae {target} porque me permite aprovechar {years}.",
    leaving="No me voy por un problema: busco un paso más grande, y {target} es ese paso.",
    goals="En cinco años quiero tener más profundidad y más responsabilidad, empezando por {target} y a partir de esto: {said}.",
    goals_no_line="En cinco años quiero tener más profundidad y más responsabilidad, empezando por {target}.",
    workstyle=("Nombra dos condiciones que sacan tu mejor trabajo, como una responsabilidad clara y comentarios "
               "directos y frecuentes, y muestra una: {said}."),
    workstyle_no_line=("Nombra dos condiciones que sacan tu mejor trabajo, como una responsabilidad clara y "
                       "comentarios directos y frecuentes, y una ocasión en que las tuviste."),
    studied="Mi formación: {education}.",
    entry="En {employer} trabajaba como {role}{since}.",
    entry_current="En {employer} trabajo como {role}{since}.",
    entry_no_details="Tu currículum no da detalles de ese trabajo: ten preparado un ejemplo concreto.",
    on_topic="De mi propio trabajo:",
    follow_why="La razón principal: {reason}.",
    follow_result="El resultado: {result}.",
    follow_more="Un detalle más: {said}.",
    small_talk={
        "hear": "Sí, le oigo bien. ¿Me oye usted bien?",
        "how": "Muy bien, gracias. ¿Y usted?",
        "thanks": "Gracias por recibirme, es un placer estar aquí.",
        "late": "No se preocupe, gracias por dedicarme este tiempo.",
        "default": "Gracias, es un placer.",
    },
    points="Puntos en los que puedes apoyarte:",
    point="• {title}: {sentence}",
    titles={
        "summary": "Perfil",
        "skills": "Habilidades",
        "project": "Proyecto",
        "education": "Formación",
        "job": "Oferta de empleo",
    },
    job_title="{role} en {employer}",
)

PHRASEBOOKS: dict[str, Phrases] = {p.code: p for p in (ENGLISH, GERMAN, FRENCH, SPANISH)}


def phrasebook(language: str) -> Phrases | None:
    """The phrases for a BCP-47-ish code by its primary subtag ("de-AT" -> German); None if unsupported."""
    return PHRASEBOOKS.get(language.split("-")[0].split("_")[0].lower() or "en")
