"""The fixed evaluation set of `bench/eval_answers.py`: three resumes and the questions asked of each.

Everything here was written for this benchmark (no real transcript or resume is copied). The resumes have
deliberately different shapes: a senior backend engineer (long, a job with no bullet lines), a new graduate
(education and projects first, little experience) and a career changer (teacher turned analyst, accented
names, an internship with no bullet lines, a certification section).

Relevance: every resume line that matters is listed in `LINES[resume]` as (key, topics), where `key` is a
fragment of the line as written (not its first word, which the composer may turn into "I led ...") and
`topics` the subjects the line is evidence for. A question lists the `topics` it asks about; a resume line
is relevant to it when their topics intersect. An answer *cites* a line when it contains the line's key
(case-insensitive). Questions with no topics (greetings, salary, opinions on general matters) are left out
of the citation share.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SENIOR_BACKEND = """\
# Jonas Whitfield
Staff Backend Engineer · Distributed systems · Payments
jonas.whitfield@example.org · +44 20 7946 0018

## Summary
Backend engineer with 11 years building payment and messaging systems in Go, Java and Python. I like owning
services end to end, from the design review to the on-call rotation.

## Experience
### Staff Backend Engineer — Ledgerly (Mar 2020 – Present)
- Designed the rate limiter in front of the public payments API, a token bucket in Redis serving 40,000 requests per second
- Led the migration of the ledger from a monolith to 14 services on Kafka, cutting settlement time from 6 hours to 20 minutes
- Introduced idempotency keys for payment retries, which eliminated duplicate charges worth $250k a year
- Ran the incident review after a 3-hour outage caused by a schema migration; wrote the runbook now used by 6 teams
- Mentored 5 engineers; three became tech leads
- Pushed back on a VP's plan to rewrite the billing service in six weeks; we agreed on an incremental rewrite that shipped in 4 months with zero downtime

### Senior Software Engineer — Parcelwise (Jan 2015 – Feb 2020)
- Built the shipment-tracking pipeline on PostgreSQL and RabbitMQ handling 8 million events a day
- Reduced AWS spend by 38% by moving batch jobs to spot instances
- Disagreed with the data team on event schemas; set up a shared schema registry and a weekly review
- Shipped a customer-facing tracking page under a two-week deadline by cutting scope to the three carriers with 80% of the volume

### Software Engineer — Brightnet (2013 – 2014)

## Skills
Go, Java, Python, Kafka, PostgreSQL, Redis, Kubernetes, Terraform, gRPC, AWS

## Education
B.Sc. Computer Science, University of Leeds, 2013
"""

NEW_GRAD = """\
# Aiko Tanaka
Software Engineer (new graduate)

## Summary
Recent computer science graduate who enjoys building web apps and learning from code review.

## Education
- B.S. Computer Science, University of Washington, 2024, GPA 3.7
- Capstone: built a course-scheduling app with React and Flask used by 1,200 students

## Experience
### Software Engineering Intern | Shopwave | Jun 2023 – Sep 2023
- Added caching to the product search API with Redis, cutting median latency from 300 ms to 80 ms
- Wrote integration tests that raised coverage of the checkout service from 45% to 78%
- Fixed a production bug in the coupon service in my second week, pairing with a senior engineer on the rollback

### Teaching Assistant | University of Washington | Sep 2022 – Jun 2024
- Ran weekly labs for 60 students in data structures
- Helped a project team resolve a conflict over task splitting by setting up a shared board

## Projects
- Chess engine in Rust with alpha-beta search, about 2,000 lines
- Hackathon: built a food-waste tracker in 36 hours; our team of 4 won second place

## Skills
Python, Java, JavaScript, React, Flask, SQL, Redis, Git, Rust
"""

CAREER_CHANGER = """\
# Élodie Brunner
Data Analyst · former secondary-school teacher

## Profile
Career changer: eight years teaching mathematics, now two years in data analysis with SQL and Python. I
explain numbers to people who are not analysts.

## Experience
Data Analyst, Café Lumière Group, 2023 – Present
- Built a Power BI dashboard of sales across 42 cafés that the regional managers use every Monday
- Automated the weekly stock report with Python and SQL, saving 6 hours a week
- Found a pricing error in the loyalty programme worth €90k a year by reconciling two data sources

Mathematics Teacher, Lycée Jean-Moulin, 2014 – 2022
- Taught mathematics to classes of 30 students and raised the pass rate from 71% to 88% in three years
- Handled a conflict between two colleagues over the shared curriculum by proposing a common marking grid
- Coordinated the move to online teaching in two weeks during the 2020 school closures

Accounting Intern, Müller & Söhne GmbH, 2013

## Skills
SQL, Python (pandas), Power BI, Excel, statistics, A/B testing, stakeholder communication

## Certifications
Google Data Analytics Certificate, 2022
"""

RESUMES: dict[str, str] = {
    "senior_backend": SENIOR_BACKEND,
    "new_grad": NEW_GRAD,
    "career_changer": CAREER_CHANGER,
}

# (key fragment as written in the resume, topics it is evidence for)
LINES: dict[str, tuple[tuple[str, frozenset[str]], ...]] = {
    "senior_backend": (
        ("rate limiter in front of the public payments API", frozenset({"rate_limiter", "redis", "api"})),
        ("migration of the ledger", frozenset({"kafka", "migration", "proud", "design"})),
        ("idempotency keys for payment retries", frozenset({"idempotency", "payments", "proud"})),
        ("incident review after a 3-hour outage", frozenset({"incident", "mistake"})),
        ("three became tech leads", frozenset({"mentoring"})),
        ("VP's plan to rewrite the billing service", frozenset({"pushback", "conflict"})),
        ("shipment-tracking pipeline", frozenset({"tracking", "sql"})),
        ("AWS spend by 38%", frozenset({"cost"})),
        ("data team on event schemas", frozenset({"conflict", "teamwork"})),
        ("tracking page under a two-week deadline", frozenset({"deadline", "prioritise"})),
        ("Brightnet", frozenset({"brightnet"})),
        ("Terraform", frozenset({"terraform"})),
        ("University of Leeds", frozenset({"education"})),
    ),
    "new_grad": (
        ("caching to the product search API", frozenset({"redis", "caching", "performance", "proud", "api"})),
        ("integration tests", frozenset({"testing"})),
        ("production bug in the coupon service", frozenset({"incident", "mistake"})),
        ("weekly labs for 60 students", frozenset({"mentoring"})),
        ("conflict over task splitting", frozenset({"conflict", "teamwork"})),
        ("course-scheduling app", frozenset({"proud", "design"})),
        ("food-waste tracker in 36 hours", frozenset({"deadline"})),
        ("University of Washington", frozenset({"education"})),
    ),
    "career_changer": (
        ("Power BI dashboard of sales", frozenset({"dashboard", "proud"})),
        ("weekly stock report", frozenset({"automation", "sql", "cost"})),
        ("pricing error in the loyalty programme", frozenset({"cost", "sql", "mistake"})),
        ("pass rate from 71% to 88%", frozenset({"mentoring"})),
        ("conflict between two colleagues", frozenset({"conflict", "teamwork"})),
        ("online teaching in two weeks", frozenset({"deadline", "ambiguity"})),
        ("Müller & Söhne", frozenset({"mueller"})),
        ("A/B testing", frozenset({"testing"})),
        ("Google Data Analytics Certificate", frozenset({"education"})),
    ),
}


@dataclass(frozen=True)
class Question:
    """One question: its text, the kind the detector should give it, the topics it asks about.

    `avoid` lists phrases that would mean the answer used another kind's (or another question's) template;
    `history` and `conversation` feed follow-up questions the way the session actor does.
    """

    id: str
    kind: str
    text: str
    topics: frozenset[str] = frozenset()
    language: str = "en"
    avoid: tuple[str, ...] = ()
    history: tuple[tuple[str, str], ...] = ()
    conversation: tuple[tuple[str, str], ...] = ()
    extra: dict[str, str] = field(default_factory=dict)


def _q(id: str, kind: str, text: str, topics: str = "", **kw: object) -> Question:
    return Question(id, kind, text, frozenset(topics.split()), **kw)  # type: ignore[arg-type]


# Phrases no answer may contain: the contentless "Short answer" template and keyword salad.
BANNED = ("Short answer: give a direct", "Key points for ")
PITCH = ("Pitch in three beats", "That is why", "My core strengths are")
CONFLICT_STEPS = ("Talk to the person one-to-one", "one-to-one first")
DEFINITION = ("a one-line definition", "Design outline")

_MIGRATION_Q = "Tell me about a migration you led."
_MIGRATION_A = "At Ledgerly I led the migration of the ledger to services on Kafka."
_COST_Q = "Tell me about a time you cut costs."
_COST_A = "At Parcelwise I reduced AWS spend by 38% by moving batch jobs to spot instances."

QUESTIONS: tuple[Question, ...] = (
    # behavioral
    _q("b1", "behavioral", "Tell me about a time you disagreed with a colleague.", "conflict"),
    _q("b2", "behavioral", "Describe a situation where you had to meet a tight deadline.", "deadline"),
    _q("b3", "behavioral", "Give me an example of a time you made a mistake in production.", "incident mistake"),
    _q("b4", "behavioral", "Tell me about a time you mentored or helped someone grow.", "mentoring"),
    _q("b5", "behavioral", "Describe a time you made something noticeably faster.", "performance caching"),
    _q("b6", "behavioral", "Tell me about the project you're most proud of.", "proud"),
    _q("b7", "behavioral", "Can you walk me through a time you had to push back on a manager's decision?",
       "pushback conflict"),
    _q("b8", "behavioral", "Tell me about a time you saved your company money.", "cost"),
    # technical
    _q("t1", "technical", "How does caching with Redis work, and when would you not use it?", "redis caching"),
    _q("t2", "technical", "ok so um can you explain how you would make payment retries idempotent",
       "idempotency payments"),
    _q("t3", "technical", "What's the difference between a process and a thread?"),
    _q("t4", "technical", "How do you keep SQL queries fast on very large tables?", "sql"),
    _q("t5", "technical", "Explain how Kafka keeps messages in order.", "kafka"),
    _q("t6", "technical", "How do you test a service that depends on a third-party API?", "testing"),
    # the candidate's own experience or view, not a definition
    _q("t7", "technical", "Have you used Kafka in production?", "kafka", avoid=DEFINITION),
    _q("t8", "technical", "What's your experience with Kafka?", "kafka", avoid=DEFINITION),
    _q("t9", "technical", "Thoughts on TypeScript?", avoid=DEFINITION),
    _q("t10", "technical", "How long have you been using Kafka?", "kafka", avoid=(*DEFINITION, "how long have you")),
    # system design
    _q("d1", "system_design", "ok design a rate limiter for our API", "rate_limiter"),
    _q("d2", "system_design", "How would you design a URL shortener like bit.ly?"),
    _q("d3", "system_design", "Design a dashboard that shows sales for every store in near real time.",
       "dashboard"),
    _q("d4", "system_design", "How would you design a system to track parcels across several carriers?",
       "tracking"),
    _q("d5", "system_design", "Let's say we need a notification service that sends emails and push messages "
       "to ten million users. How would you architect it?"),
    # situational
    _q("s1", "situational", "What would you do if a teammate kept missing code review deadlines?",
       "teamwork conflict"),
    _q("s2", "situational", "How would you handle it if production went down on your first day on call?",
       "incident"),
    _q("s3", "situational", "What would you do if the requirements for a feature were unclear?", "ambiguity"),
    _q("s4", "situational", "Imagine your manager asks you to ship something you think is unsafe. What do you do?",
       "pushback"),
    _q("s5", "situational", "If two managers gave you urgent tasks at the same time, how would you prioritise?",
       "prioritise deadline"),
    # background
    _q("g1", "background", "Tell me about yourself.", "proud"),
    _q("g2", "background", "What is your biggest weakness?", avoid=PITCH),
    _q("g3", "background", "What would you say is your greatest strength?", avoid=("Pitch in three beats",)),
    _q("g4", "background", "Why do you want to work here?", avoid=("Pitch in three beats",)),
    _q("g5", "background", "Why are you leaving your current job?", avoid=PITCH),
    _q("g6", "background", "Where do you see yourself in five years?", avoid=PITCH),
    _q("g7", "background", "Tell me about your time at Brightnet.", "brightnet", avoid=PITCH),
    _q("g8", "background", "What did you do at Müller & Söhne?", "mueller", avoid=PITCH),
    _q("g9", "background", "What did you study?", "education", avoid=PITCH),
    _q("g10", "background", "How many years of experience do you have?",
       avoid=(*PITCH, "how many years of experience do you have")),
    _q("g11", "background", "Describe your ideal manager.", avoid=(*PITCH, "STAR story")),
    # follow-up
    _q("f1", "follow_up", "So why did you pick Kafka for that?", "kafka migration",
       history=((_MIGRATION_Q, _MIGRATION_A),),
       conversation=(("interviewer", _MIGRATION_Q),
                     ("candidate", ("We split the ledger into services and put Kafka between them, because "
                                     "we needed to replay a day of postings after a bad deploy.")))),
    _q("f2", "follow_up", "And what was the result?", "cost",
       history=((_COST_Q, _COST_A),), conversation=(("interviewer", _COST_Q),)),
    _q("f3", "follow_up", "Why that approach?"),
    _q("f4", "follow_up", "How did you measure that?", "performance caching",
       history=(("Describe a time you made something faster.",
                 "At Shopwave I added caching to the product search API with Redis."),)),
    # clarifying
    _q("c1", "clarifying", "Sorry, do you mean the whole team or just you?"),
    _q("c2", "clarifying", "What do you mean by scale, in terms of users or data?"),
    _q("c3", "clarifying",
       "When you say you led the migration, and I'm asking because we've had a lot of candidates tell us they "
       "led things when really they were part of a larger group and the actual decisions were made by an "
       "architect or a principal engineer, and that's fine, but we want to know what you personally owned in "
       "the U.S. team versus the team in Europe, e.g. the design, the rollout, the on-call, do you mean you "
       "were the person making the decisions?", avoid=("larger group and the actual decisions",)),
    # logistics
    _q("l1", "logistics", "What are your salary expectations?"),
    _q("l2", "logistics", "When could you start?"),
    _q("l3", "logistics", "Are you open to working from our Berlin office three days a week?"),
    _q("l4", "logistics", "Do you need visa sponsorship to work in the U.S.?"),
    # small talk
    _q("k1", "small_talk", "Hi, can you hear me okay?"),
    _q("k2", "small_talk", "How's your day going so far?"),
    _q("k3", "small_talk", "Thanks for joining us today."),
    _q("k4", "small_talk", "Sorry I'm a couple of minutes late, the previous meeting ran over."),
    # other
    _q("o1", "other", "What do you think about our return-to-office policy?", avoid=CONFLICT_STEPS),
    _q("o2", "other", "Do you have any questions for us?"),
    _q("o3", "other", "Have you used Terraform?", "terraform"),
    _q("o5", "other", "Could you elaborate on that?", avoid=("say yes or no",)),
    _q("o6", "other", "Did you build the pipeline yourself?", "tracking", avoid=PITCH + ("years of experience",)),
    _q("o7", "other", "Would you say you're more of a generalist or a specialist?",
       avoid=("How I would approach it", "STAR story")),
    _q("o4", "other", "What's your opinion on the U.S. approach to data privacy, e.g. compared with GDPR?",
       avoid=CONFLICT_STEPS),
    # other languages
    _q("x1", "background", "Erzählen Sie etwas über sich.", "proud", language="de"),
    _q("x2", "behavioral", "Parlez-moi d'une fois où vous avez dû tenir un délai très serré.", "deadline",
       language="fr"),
    _q("x3", "technical", "¿Cómo funciona la caché con Redis?", "redis caching", language="es"),
    _q("x4", "small_talk", "Hallo, können Sie mich gut hören?", language="de"),
)
