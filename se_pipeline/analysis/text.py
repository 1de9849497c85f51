"""What a sentence does: asks, requests, promises, delivers, acknowledges, complains.

Plain regular expressions over one message's readable text (for email: the new text, no quotes).
Each function answers one question about a sentence or a message, so the rules in
`messages.py` read like the policy they implement.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from se_pipeline.analysis import dates
from se_pipeline.analysis.dates import due_date  # noqa: F401  (re-exported: rules call text.due_date)
from se_pipeline.analysis.sentences import sentences  # noqa: F401  (re-exported)

URL = re.compile(r"https?://\S+|\b[\w-]+(\.[\w-]+)+/\S+")

# ---- questions -----------------------------------------------------------------------------------

_INDIRECT_QUESTION = re.compile(
    r"\b(i was wondering|wondering (if|whether)|let (me|us) know (if|whether|how|what|when|which|who|where|why)|"
    r"(need|needs|want|wants|like|love) to (know|understand|find out|confirm|check) (if|whether|how|what|when|which|who|where|why)|"
    r"(i'?m|we'?re|i am|we are) (curious|unsure|not sure|unclear) (if|whether|how|what|when|which|why|about)|"
    r"(do|does) (you|anyone|someone) know (if|whether|how|what|when|which|who|where|why)|"
    r"any (idea|thoughts|insight) (on|about|if|whether|how|what|when|why))\b",
    re.I,
)
# Asks for an answer, not a deliverable: "can you confirm…?", "please advise", "tell me whether…".
_INFO_ASK = re.compile(
    r"\b((can|could|would|will) (you|someone|anyone)( please| kindly| quickly)?|please|kindly|pls) "
    r"(confirm|clarify|explain|advise|tell (me|us)|let (me|us) know|check)\b(?=.*\?\s*$)|"
    r"\b(please|kindly|pls)?\s*(confirm|clarify|explain|advise|tell (me|us)|check) "
    r"(whether|if|what|how|when|which|who|where|why)\b|\bplease advise\b|"
    r"\blet (me|us) know (if|whether|what|how|which|who|where|why)\b|"
    r"\b(i|we)( would|'d| will|'ll)?( also)? need to (know|understand|find out) (if|whether|what|how|which|who|where|why)\b",
    re.I,
)
# A question without its question mark: "Are you still available Thursday." ("Should you…" is a condition.)
_INVERTED = re.compile(r"(do|does|did|can|could|would|will|are|is|have|has) (you|we|anyone|someone)\b(?! like)", re.I)
# Questions that expect no answer: rhetorical, exclamations, small talk.
_RHETORICAL = re.compile(
    r"^(who knew|what'?s the point|what is the point|how (cool|great|awesome|amazing|nice) is that|why not|"
    r"right|isn'?t it|you know|guess what|what could (possibly )?go wrong|how hard can it be|"
    r"can you believe|am i right|know what i mean|anyone want to|who'?s (going|in)|did you see)\b",
    re.I,
)
# Chasers add urgency to an earlier question; they are not new questions.
_NUDGE = re.compile(
    r"^(?:(?:hi|hey|hello)\b[^,.!?]{0,30}[,!]\s*)?(any (update|news|progress|word|luck)s?\b|following up\b|"
    r"(just )?bump(ing)?\b|just checking( in)?\b|\+1\b|(gentle|friendly|quick) (reminder|nudge|ping)\b|"
    r"coming back to (this|that|my)\b|circling back\b|still waiting\b|(are there )?any (updates?|news) (on|about)\b)",
    re.I,
)
_SELF_RESOLVED = re.compile(
    r"\b(never ?mind|nvm|found it|figured (it )?out|got it working|disregard (my|that|the)|"
    r"ignore (my|that|the) (last )?question|sorted (it )?out|solved it|all good now)\b",
    re.I,
)

# ---- requests, commitments, deliveries -------------------------------------------------------

_REQUEST_VERBS = (
    r"send|resend|share|forward|provide|put together|prepare|pull together|add|update|review|complete|fill (out|in)|"
    r"set up|create|draft|write up|write|look into|look at|look over|check on|check|run|walk (us|me|them) through|"
    r"help|countersign|sign|return|upload|invite|give|get|grant|enable|open|raise|file|schedule|confirm|verify|"
    r"clarify|explain|tell|advise|recommend|suggest|point (me|us)|call|email|e-mail|ping|reach out|follow up|"
    r"loop in|connect (me|us)|introduce|arrange|book|reserve|approve|send over|double[- ]check|take a look|"
    r"let (me|us) know|make sure|remind|remove|delete|cancel|extend|increase|bump|reset|escalate|fix|investigate|"
    r"dig into|attach|include|cc|copy|pass (it |this |that )?(along|on)|circulate|coordinate|handle|"
    r"talk to|speak (to|with)|meet|join|hop on|jump on|weigh in|comment|sign off"
)
# "Please send…", "Could you kindly share…", "Would you be able to review…", "Any chance you could…"
_REQUEST = re.compile(
    rf"\b(can|could|would|will|won'?t) (you( guys| all| two)?|someone|somebody|anyone|one of you|y'?all)"
    rf"(( (please|also|quickly|kindly|just|possibly|maybe|perhaps|pls))*| (be able|be willing|have time) to)"
    rf" ({_REQUEST_VERBS})\b|"
    rf"(?<!to )(?<!sure )\b(please|pls|plz|kindly),? (?!(?:be|do)\b)[a-z]{{2,}}|\bplease (be sure|do not|don'?t)\b|"
    rf"\b(feel free|don'?t hesitate|do not hesitate) to\b|"
    rf"(?<!to )(?<!can )(?<!will )(?<!could )(?<!would )(?<!should )(?<!'ll )\blet (me|us) know\b|"
    rf"\b(we|i) need you to\b|\b(we|i) (still|urgently) need\b|\bwould you mind\b|\bplease advise\b|\bmay (i|we) (get|have|ask|request|see)\b|"
    rf"\b(i|we)( am| are|'m|'re)? writing to (request|ask)\b|\b(i|we) (would like to |'d like to )?(request|ask) (that )?(you|for)\b|"
    rf"\byou('ll| will)? (need|must|have|should|may want|might want|may need|might need|'d better|had better) to\b|"
    rf"\b(any|is there any|is there a) chance (you|we|someone|of)\b|"
    rf"\b(would|will|is) it be possible (to|for you)\b|\bis it possible (for you|to get)\b|"
    rf"(\b(i'?m|we'?re|i am|we are) |^)(looking|hoping) for (some |any |your )?(guidance|help|advice|input|feedback|"
    rf"recommendations?|pointers|direction|clarity|clarification|thoughts)\b|"
    rf"\b(your|any) (help|guidance|advice|input|feedback|thoughts|assistance|insight) (here |on this )?(would be|is|will be) "
    rf"(much |greatly |really |very )?(appreciated|welcome|helpful|great)\b|"
    rf"\b(i|we)( would|'d)?( really| greatly| very much)? appreciate (it if you|if you|your|any|you)\b|"
    rf"\b(i|we)( would|'d)( really| very much)? (like|love) (your|you to|for you to)\b|"
    rf"\b(i|we)( would|'d)( really| very much)? (like|love) to (discuss|talk|speak|meet|chat|catch up|get together|"
    rf"set up|schedule|review|go over|walk through|hear|know|understand|learn|receive)\b|"
    rf"\b(i|we)(( would|'d| will|'ll| really| also| still| urgently| just)*) need (your|you|to (know|see|receive|"
    rf"hear|confirm|review|discuss|talk|speak|meet|go over|understand|find out)|(a|an|the|some|any|copies|a copy|more|"
    rf"this|that|these|those|it|them) \w+[^.!?]*\b(by|before|asap|until|from you|today|tomorrow|eod|this week)\b)|"
    rf"\b(it )?would be (great|helpful|good|nice|ideal|appreciated) if (you|we) (can|could|would)\b|"
    rf"\bif you (could|can|would) (please |kindly )?({_REQUEST_VERBS}|leave)\b|\bwhy don'?t you\b|"
    rf"\b(a few|\d+) minutes (or so )?of your time\b|"
    rf"\b(i|we) hope (that )?you (can|could|will) (join|attend|make it|come|participate)\b|"
    rf"^(can|could|would|will) you( please| kindly)? (?!(believe|imagine|like)\b)\w+[^?]*$",
    re.I,
)
# An imperative: the sentence (after a name, "also", or a leading clause) starts with a verb and an object.
_IMPERATIVE_VERBS = (
    r"send|resend|forward|share|email|e-mail|fax|call|phone|ping|text|give|tell|ask|check|review|confirm|"
    r"provide|update|add|remove|delete|sign|return|fill (out|in)|complete|print|submit|approve|verify|"
    r"register|install|upload|set up|schedule|book|reserve|arrange|organi[sz]e|coordinate|prepare|draft|"
    r"write|put|find out|bring|join|reply to|respond to|advise|grab|move|change|include|attach|post|invite|"
    r"notify|inform|remind|pass|circulate|cancel|reschedule|fix|investigate|clarify|explain|handle|"
    r"make sure|be sure to|don'?t forget to|do not forget to|go ahead|take a look|have a look|look at|look into|"
    r"look over|reach out|get back to|get in touch|follow up|talk to|talk with|speak to|speak with|stop by|"
    r"come by|loop in|cc|copy|think about|consider|plan|mark|pick up|get|shoot|drop|visit|click|contact|go to|"
    r"go here|use|try|download|apply|register|sign up|log ?in|subscribe|follow|select|enter|choose|save|read|"
    r"watch|remember|let \w+( \w+)? know|let \w+ know|feel free to|don'?t hesitate to|do not hesitate to"
)
_OBJECT = (
    r"me|us|him|her|them|it|this|that|these|those|the|a|an|my|our|your|his|their|all|any|some|every\w*|"
    r"out|over|back|up|in|along|with|to|about|on it|ahead|whether|if|what|when|how|here|now|today|\\$LINK|\\d|"
    r"[A-Z][a-z]+"
)
_IMPERATIVE = re.compile(
    rf"^(?:(?:also|and|so|then|but|ok|okay|oh|plus|ps|p\.s\.?|now|meanwhile|just|pls|please|kindly)[,:]?\s+|"
    rf"@?[A-Z][a-z]+(?: [A-Z][a-z]+)?\s*[,:\-\u2014]\s*|(?:if|when|once|before|after|as soon as) [^,]{{1,60}},\s*)*"
    rf"(?i:{_IMPERATIVE_VERBS})\s+(?:{_OBJECT})\b"
)
# Asks that expect nothing now: open offers and future nudges ("let me know if you have any questions").
_COURTESY = re.compile(
    r"\b(feel free|don'?t hesitate|do not hesitate|never hesitate)\b|"
    r"\bif (you|there|anyone) (have|has|are|is|got|come up with) (any|other|further|more|additional) "
    r"(other |further |more )?(questions?|concerns?|issues?|problems?|comments?|thoughts?|feedback|suggestions?)\b|"
    r"\bif (there'?s|there is|there are) (any|anything)\b|"
    r"\bif (anything|something|any of (this|that|it))\b[^.?!]{0,60}\b(unclear|confusing|missing|makes? no sense|doesn'?t make sense)\b|"
    r"\bif (you|we|anyone) (need|want|require) (anything|any|help|assistance|more|further|additional)\b|"
    r"\bif (anything|something|that|this|it|things?|plans?|your plans|the \w+) (changes?|comes? up|happens)\b|"
    r"\bif (i|we) can (help|be of|do|assist)\b|"
    r"\bif (you'?d|you would|you want|you wish|you'?re interested|you are interested|interested)\b|"
    r"\bshould you (have|need|want|wish|require)\b|"
    r"\bkeep (me|us) (posted|informed|updated|in the loop)\b|"
    r"\b(any|other|further) questions,? (just )?(let|give|call|email|ping|reach)\b",
    re.I,
)
# Mailing-list small print: asks nobody means ("add us to your address book", "to unsubscribe…").
_BOILERPLATE = re.compile(
    r"\b(address book|contacts list|safe[- ]?sender|white ?list|unsubscribe|opt[- ]out|"
    r"(email|e-mail|notification|profile|subscription) (preferences|settings)|no longer (wish to |want to )?receive|"
    r"stop (future |receiving )?(mailings|emails|these)|turn (this|these|them) off|received this (message|e-?mail) in error)\b",
    re.I,
)
# The writer offers to do something ("happy to walk you through it", "want me to send…?").
_OFFER = re.compile(
    r"(\b(i|we)('d| would| am|'m| are|'re)? (be )?|^)(happy|glad|more than happy|keen) to\b|"
    r"\b(i|we) (can|could) (set|send|share|walk|help|do|arrange|loop|get|put|run|give|take|show|provide|"
    r"schedule|hop|jump|intro\w*|connect|pull|dig|look)\b|\bwant me to\b|\bwould you like (me|us) to\b|"
    r"\bshould (i|we) (send|share|set|schedule|loop)\b",
    re.I,
)
# The writer proposes to meet ("could we find 45 minutes", "I'd be up for a catch-up next week").
_PROPOSES_MEETING = re.compile(
    r"\b((let'?s|can we|could we|shall we|should we) (meet|talk|chat|sync|catch up|hop on|jump on|get on|do a (call|session|demo)|"
    r"find (some )?(time|\d+ minutes)|schedule|set up a call)|(i'?d|i would|we'?d|we would) be (up|happy|glad) for a\b|"
    r"(up|available|free) for a (quick )?(call|chat|catch[- ]up|meeting)|join (a|the|our) (call|meeting|session|sync))",
    re.I,
)
# "Let me know" handing the turn back rather than asking a question ("let me know when you're ready").
_HAND_BACK = re.compile(
    r"\blet (me|us) know(\s*[.!]*$|\s+(when|once|as soon as|how (it|that|things) goes?|what you think|"
    r"your thoughts|if (that|this|it) (works|helps)))",
    re.I,
)
# "Please" that asks nothing of the reader; cut out before looking for an ask.
_NOT_AN_ASK = re.compile(
    r"\b(please|kindly|pls),? (find|see|note|be advised|be aware|be informed|accept|enjoy|excuse|forgive|ignore|"
    r"disregard|keep this|keep in mind|bear with|refer to|consider this|let me (introduce|explain))\b[^,;]*|"
    r"^(?:find|see) (attached|enclosed|below|above)\b[^,;]*",
    re.I,
)
_COMMIT_DELIVER = (
    r"send|share|forward|provide|put together|pull (that |it |this )?together|prepare|write up|write|draft|"
    r"update|get you|get (it|that|this) to you|have|set up|configure|add|create|schedule|book|upload|publish"
)
_COMMIT_ANSWER = r"get back|circle back|follow up|check|confirm|find out|look into|dig into|ask|loop in|investigate"
_COMMITMENT = re.compile(
    rf"\b(i'?ll|i will|i'?m going to|i am going to|i can|we'?ll|we will|let me)\b(?! (be|see|join|keep|let you know "
    rf"(when|if)))[^.!?]{{0,40}}?\b(?P<verb>{_COMMIT_DELIVER}|{_COMMIT_ANSWER})\b",
    re.I,
)
# "Will check with the team", "good catch, will confirm tomorrow": a promise with no subject answers
# an ask without doing it (the ask stays open; the reply is not an answer).
_SUBJECTLESS_PROMISE = re.compile(
    rf"(?:^|[,;:!–—-]\s*|\.\s+|\band\s+)(?:will|'ll)\s+(?:(?:also|then|quickly|definitely)\s+)?"
    rf"(?:{_COMMIT_DELIVER}|{_COMMIT_ANSWER}|ping|do|revert|reach out|get on it|look at it)\b",
    re.I,
)
_ANSWER_VERB = re.compile(rf"^({_COMMIT_ANSWER})$", re.I)
_DELIVERY = re.compile(
    r"\b(attached|attaching|enclosed|here'?s|here is|here are|here you go|sent|shared|re-?shared|uploaded|published|"
    r"is configured|are configured|configured|is live|is ready|is done|done|set up now|all set|"
    r"as requested|as promised|added|moved|fixed|booked|scheduled|invited|created|enabled|granted|updated|"
    r"completed|confirmed)\b|✅|☑|:(white_check_mark|heavy_check_mark|ballot_box_with_check):",
    re.I,
)
_ACK = re.compile(
    r"^(?::[\w+-]+:\s*)*(thanks|thank you|thx|ty|got it|on it|noted|ok|okay|sure|great|perfect|awesome|sounds good|will do|"
    r"will check|looking into (it|this)|checking|appreciate it|\+1|yes|yep|no problem|np|cool|"
    r"thanks for (flagging|the heads up|letting us know|reaching out|being candid))\b"
    r"(?:[\s,]+[\w'’]+){0,3}[\s.!?]*$",  # an acknowledgement plus a few words ("thanks Happy, got it!")
    re.I,
)

# ---- topics --------------------------------------------------------------------------------------

_LEGAL = re.compile(
    r"\b(msa|master services agreement|dpa|data processing (agreement|addendum)|redlines?|soc ?2|iso ?27001|"
    r"security questionnaire|vendor (security )?questionnaire|pen(etration)? test|pentest|purchase order|"
    r"vendor (onboarding|registration|registry|form)|supplier (onboarding|registration|form)|registration form|"
    r"w-?9|nda|baa|hipaa|gdpr|procurement|legal team|liability|indemnif\w*|order form|"
    r"countersign|infosec|security review|auditors?)\b",
    re.I,
)
_PO = re.compile(r"\bPOs?\b")  # upper case only: "po" is too common in other words' abbreviations
_SCHEDULING = re.compile(
    r"\b(schedule|reschedul\w*|set up (a|some) (call|meeting|time)|book (a|some) time|find (a )?time|"
    r"(hop|jump) on a call|are you (free|available)|would (\w+day|tomorrow)( or \w+day)? work|"
    r"does (\w+day|tomorrow) work|(call|meeting|sync|workshop|demo|session|catch[- ]up) (on|next|this|tomorrow|today) ?\w*|"
    r"calendar invite|catch[- ]up|\d+[- ]?min(ute)?s? (call|session|meeting|chat|catch[- ]up)|"
    r"(join|have|do) a (quick )?(call|chat|meeting|session))\b",
    re.I,
)
_BLOCKER = re.compile(
    r"\b(blocked|blocker|blocking us|can'?t (seem to )?(get|install|connect|send|see|log ?in|deploy|start|load)|"
    r"cannot|unable to|doesn'?t work|does not work|isn'?t working|is not working|not working|"
    r"keeps? (failing|crashing|timing out|returning|dropping|erroring)|fail(s|ed|ing)? to|crash(es|ed|ing)?|"
    r"timing out|times? out|exception|broken|stuck)\b",
    re.I,
)
_TECHNICAL = re.compile(
    r"\b(agents?|sdks?|apis?|collectors?|instrument\w*|traces?|tracing|spans?|sampling|metrics?|logs?|logging|"
    r"dashboards?|alert\w*|deploy\w*|install\w*|kubernetes|k8s|helm|docker|containers?|arm64|graviton|jvm|jdk|"
    r"java|python|node(\.js)?|golang|ruby|\.net|windows|linux|sso|saml|scim|okta|oauth|ldap|azure ad|ingest\w*|"
    r"endpoints?|latency|overhead|memory|cpu|retention|regions?|redact\w*|pii|encrypt\w*|m?tls|opentelemetry|"
    r"otel|otlp|prometheus|terraform|integrations?|webhooks?|config\w*|versions?|upgrad\w*|errors?|"
    r"exceptions?|crash\w*|timeouts?|timing out|rate limit\w*|throughput|data residency|self-hosted|on-prem\w*|"
    r"proxy|firewall|allowlist|profiling|ebpf|service map|grpc|quer(y|ies)|schema|migration|database|aws|gcp|"
    r"supports?|baa|demo script|connectors?|pipelines?|tables?|columns?|replicat\w*|sync\w*|snapshot\w*|"
    r"partition\w*|clusters?|nodes?|buffer\w*|throttl\w*|batch\w*|lag|queues?|topics?|schemas?|sources?|"
    r"destinations?|warehouses?|storage|backups?|encryption|keys?|certificates?|ssl|tls|ssh|vpn|vpc|network\w*|"
    r"ports?|dns|kms|hashing|salt|drivers?|jdbc|odbc|sql|cdc|etl|elt|kafka|mqtt|s3|runbooks?|limits?|"
    r"wildcards?|routing|mapping|datatypes?|formats?|payloads?|auth\w*|permissions?|roles?|tokens?)\b|"
    r"`[^`]+`|\b[a-z]+_[a-z_]+\b|\b[a-z]+\.[a-z_]+\b|\b\d+(\.\d+)+\b",
    re.I,
)
_FRUSTRATION = re.compile(
    r"\b(frustrat\w*|unacceptable|disappoint\w*|annoy\w*|not (going|working out) (great|well)|not happy|"
    r"unhappy|fed up|waste of time|still waiting|waiting (for )?(\w+ )?(days|weeks)|"
    r"(nobody|no one) (has )?(gotten|got|gets) back|what'?s the point|what is the point|deal ?breaker|"
    r"escalat\w*|reconsider\w*|looked broken|half the features)\b",
    re.I,
)
# A customer threatening the deal: pausing, going back to what they had, staying with a rival, nerves.
_DEAL_THREAT = re.compile(
    r"\b((pause|stop|halt|end|cancel|terminate|suspend|abandon|shelve) (the |our |this )?(evaluation|eval|pilot|poc|trial|"
    r"project|rollout|deal|purchase|contract)|go(ing)? back to (our|the)|stay with (our|the)|stick with (our|the)|"
    r"switch(ing)? (back )?to|(look|looking) (at|into) (other|alternative)\w*|walk away|pull(ing)? the plug|"
    r"put (it|this|the \w+) on hold|(getting |is |are |very )?(nervous|worried|concerned|uneasy) about|"
    r"(can'?t|cannot) (put|move forward|proceed|go ahead|sign|justify)|not (going to|gonna) (sign|renew|proceed)|"
    r"(second|third|fourth|fifth|\d+(st|nd|rd|th)) (incident|outage|failure) in|losing (confidence|patience|trust))\b",
    re.I,
)
# A customer's message that moves a date or changes what success means ("the POC has to finish by
# 3 Nov instead of 6 Nov", "our board meets on 10 Nov", "we added criterion #5").
_DEAL_CHANGE_WITH_DATE = re.compile(
    r"\b(pulled (the \w+ )?forward|brought forward|moved (up|to|forward|back)|postponed|pushed (back|out)|"
    r"instead of|delayed|slipped|reschedul\w*|deadline|cut-?off|has to (finish|be done|go live)|"
    r"needs? to (finish|be done|go live)|(board|committee|steering \w+) (meets|meeting|moved|is on)|go-?live|"
    r"(all|the) (technical )?answers by|decision (by|on|date))\b",
    re.I,
)
_CRITERIA_CHANGE = re.compile(
    r"\b((added|adding|new|changed|updated|removed|dropped|revised) (a |an |the |our )?(new )?(success )?"
    r"(criteri(on|a)|requirements?|scope)|criteri(on|a) #?\d+)\b",
    re.I,
)
NEGATIVE_COMPOUND = -0.5  # vader compound at or below this is negative on its own

def is_question(sentence: str) -> bool:
    """A real question: ends with '?', starts like one ("Are you free Thursday."), or asks indirectly;
    not rhetorical, not a chaser."""
    s = sentence.strip()
    if _RHETORICAL.search(s) or _NUDGE.search(s):
        return False
    return s.endswith("?") or bool(_INDIRECT_QUESTION.search(s) or _INFO_ASK.search(s) or _INVERTED.match(s))


_WH_OPENING = re.compile(r"^(who|what|when|where|which|why|how|is|are|do|does|did|can|could|would|will|should|have|has)\b", re.I)


# A sentence that only adds to the ask before it: when it is due ("We need it back by Wednesday",
# "Ideally by Friday.") or how to hand it over ("Please send it to legal@…").
_FOLLOW_LEAD = r"^(?:(?:and|also|ideally|preferably|if possible|please)[,]?\s+)*"
_FOLLOWS_UP = re.compile(
    _FOLLOW_LEAD + r"(?:(?:we|i)(?:'d| would)?\s+(?:need|want|like|expect)|send|return|get|have|share|deliver|forward)"
    r"\s+(?:it|that|this|them|those)\b",
    re.I,
)
_ONLY_WHEN = re.compile(_FOLLOW_LEAD + r"(?:by|before|until|no later than)\s", re.I)


def follows_up(sentence: str) -> bool:
    """Adds a due day or a hand-over to the ask before it instead of asking something new
    ("We need it back by Wednesday.", "Ideally by Friday.")."""
    said = sentence.strip()
    if _FOLLOWS_UP.match(said):
        return True
    return bool(_ONLY_WHEN.match(said)) and len(said.split()) <= 8 and dates.due_date(said, _ANY_DAY) is not None


_ANY_DAY = dt.date(2000, 1, 3)  # due_date only needs some day to count from


def is_notice(sentence: str) -> bool:
    """Says "please find attached", "please note", small print: polite words that ask nothing."""
    rest = _NOT_AN_ASK.sub(" ", sentence).strip(" .,:;!")
    return bool(_BOILERPLATE.search(sentence)) or (rest != sentence.strip(" .,:;!") and len(rest.split()) < 3)


def questions_something(sentence: str) -> bool:
    """Worded as a question (a question mark, or a question word first), whatever else it does."""
    return sentence.rstrip().endswith("?") or bool(_WH_OPENING.match(sentence.strip()))


def is_request(sentence: str) -> bool:
    """Asks the reader to do something: "can you send…", "please advise", "I'd like your help…",
    "we need the DPA before Friday", an imperative "Send me the logs"."""
    s = _NOT_AN_ASK.sub(" ", sentence).strip()
    if _RHETORICAL.search(s) or _BOILERPLATE.search(s) or _INFO_ASK.search(s):
        return False  # small print, or an ask for an answer (a question)
    return bool(_REQUEST.search(s) or _IMPERATIVE.search(s))


def is_courtesy(sentence: str) -> bool:
    """An open offer or a future nudge, not something to do now ("let me know if you have any questions")."""
    return bool(_COURTESY.search(sentence))


def is_offer(sentence: str) -> bool:
    """The writer offers to do something for the reader ("happy to walk you through it")."""
    return bool(_OFFER.search(sentence))


def hands_back(sentence: str) -> bool:
    """A "let me know" that hands the turn back ("let me know when you're ready") rather than asks a question."""
    return bool(_HAND_BACK.search(sentence))


def commitment_verb(sentence: str) -> str | None:
    """The promised verb when the sentence is a first-person promise ("I'll send…"), else None.
    A question is no promise, unless it opens with one ("I'll draft the deck, can you book a slot?")."""
    match = _COMMITMENT.search(sentence)
    if not match or (sentence.strip().endswith("?") and sentence[:match.start()].strip()):
        return None
    return match.group("verb").lower()


def promises_without_doing(sentence: str) -> bool:
    """An acknowledgement or a promise ("on it", "will check", "I'll send it tomorrow"): no answer yet."""
    return bool(_ACK.match(sentence) or commitment_verb(sentence) or _SUBJECTLESS_PROMISE.search(sentence))


def is_ack_only(sentence: str) -> bool:
    """Takes an ask on without a promise of one's own ("on it", "yes, will do", "will check with Jo")."""
    return bool(_ACK.match(sentence) or (_SUBJECTLESS_PROMISE.search(sentence) and not _FIRST_PERSON.search(sentence)))


_FIRST_PERSON = re.compile(r"\b(i'?ll|i will|i'?m going to|i am going to|we'?ll|we will|let me)\b", re.I)


_OUTRIGHT = re.compile(r"\b(can|could|would|will) (you|someone|anyone)\b|\b(please|pls|kindly)\b|\?\s*$", re.I)


def asks_outright(sentence: str) -> bool:
    """Asks in so many words ("can you…", "please…", a question mark), not by stating a need."""
    return bool(_OUTRIGHT.search(sentence))


def proposes_meeting(sentence: str) -> bool:
    return bool(_PROPOSES_MEETING.search(sentence))


def deal_threat(text: str | None) -> str | None:
    """The words in which a customer threatens the deal ("we'll have to pause the evaluation"), else None."""
    match = _DEAL_THREAT.search(text or "")
    return match.group(0) if match else None


def changes_the_deal(sentence: str) -> bool:
    """Moves a date that matters or changes what the customer will judge ("finish by 3 Nov instead of 6 Nov")."""
    return bool(_CRITERIA_CHANGE.search(sentence) or (_DEAL_CHANGE_WITH_DATE.search(sentence) and dates.mentions_date(sentence)))


def is_answer_commitment(verb: str) -> bool:
    """Promises to come back with an answer ("let me check") rather than to deliver a thing."""
    return bool(_ANSWER_VERB.match(verb))


def shows_delivery(text: str | None, has_files: bool = False) -> bool:
    """Hands something over: an attachment, a link, "here's the…", "sent", "configured"."""
    text = text or ""
    return has_files or bool(URL.search(text)) or bool(_DELIVERY.search(text))


def is_substantive_reply(text: str | None) -> bool:
    """More than an acknowledgement or a promise: some sentence carries an answer."""
    for sentence in sentences(text):
        if promises_without_doing(sentence):
            continue
        if len(sentence.split()) >= 4 or shows_delivery(sentence):
            return True
    return False


def is_self_resolved(text: str | None) -> bool:
    return bool(_SELF_RESOLVED.search(text or ""))


def is_nudge(sentence: str) -> bool:
    return bool(_NUDGE.search(sentence.strip()))


def legal_topic(text: str | None) -> str | None:
    """The legal / security / procurement term the text raises, as written, else None."""
    text = text or ""
    match = _LEGAL.search(text) or _PO.search(text)
    return match.group(0) if match else None


_LEGAL_DOCUMENT = re.compile(
    r"\b(msa|master services agreement|dpa|data processing (agreement|addendum)|redlines?|soc ?2|iso ?27001|"
    r"(security|vendor) questionnaire|pen(etration)? test|pentest|purchase order|order form|nda|baa|"
    r"countersign\w*|security review|bridge letter|contract|signed|signature)\b",
    re.I,
)


def legal_document(text: str | None) -> str | None:
    """A legal / security / procurement document or step the text names ("DPA redlines", "order form")."""
    match = _LEGAL_DOCUMENT.search(text or "")
    return match.group(0) if match else None


def is_scheduling(sentence: str) -> bool:
    return bool(_SCHEDULING.search(sentence))


def is_blocker(sentence: str) -> bool:
    return bool(_BLOCKER.search(sentence)) and is_technical(sentence)


def is_technical(text: str) -> bool:
    return bool(_TECHNICAL.search(text))


def frustration_phrase(text: str | None) -> str | None:
    match = _FRUSTRATION.search(text or "")
    return match.group(0) if match else None


@lru_cache(maxsize=1)
def _vader() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


# Acronyms read as slang by the lexicon ("PO" is a purchase order, not "pissed off").
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9-]{1,5}\b")


def tone(text: str | None) -> float:
    """vaderSentiment's compound score in [-1, 1], acronyms left out."""
    return _vader().polarity_scores(_ACRONYM.sub(" ", text or ""))["compound"]


def keywords(text: str | None) -> set[str]:
    """Content words (4+ letters, not filler) to tell whether a delivery is about the same thing."""
    words = set(re.findall(r"[a-z][a-z0-9-]{3,}", (text or "").lower()))
    return words - _FILLER


_FILLER = set(
    """send sent share shared will with that this those these them they their there here have from your yours
    ours about also just more some over into once next week weeks today tomorrow monday tuesday wednesday
    thursday friday saturday sunday by the team thanks thank please could would should doc docs document
    pull together prepare provide forward update updated attached attaching discussed following call
    hi hello best regards let know what when which where need needs want wants get gets able
    sure good great done""".split()
)
