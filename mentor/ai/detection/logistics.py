"""Meeting logistics: "can you hear me?", "can you see my screen?", "am I on mute?", "could you repeat that?",
and checks that the candidate follows: "does that make sense?", "you know what I mean?", "is that clear?".

They are questions, and the tracker reports them as such, but the candidate answers them in a word, and an
answer card for "Hello, can you hear me?" is noise in the interview's first seconds (and a cost: every
session starts with one); one for "does that make sense?" covers the screen while the interviewer goes on.
So a fire whose parts are all logistics starts no answer; a real question later in the same turn still
does. Matched on whole parts only: "can you hear me and tell me about yourself" asks.
"""

from __future__ import annotations

import re

__all__ = ["is_logistics"]

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")

_EN = r"""
(?:hello|hi|hey|sorry|okay|ok|so|um|uh|and|great|alright|all\ right|oh|well)?\ ?
(?:
  (?:can|could|do)\ (?:you|you\ all|you\ guys|everyone|everybody|y'all)\ (?:still\ )?(?:hear|see)
    (?:\ (?:me|us|my\ (?:screen|screens|slides|camera|video|window|code|editor|face)
          |the\ (?:screen|slides|code|editor|document|doc|whiteboard)))?
| (?:am\ i|are\ we|is\ my\ (?:audio|mic|microphone|sound|video|camera|connection|screen|internet|voice))
    \ (?:audible|visible|coming\ through|working|ok|okay|on\ mute|muted|frozen|breaking\ up|clear|good|fine
        |sharing|loud\ enough|too\ loud|too\ quiet|cutting\ out|there|back)
| (?:are\ you|is\ everyone)\ (?:still\ )?(?:there|with\ me|back|able\ to\ hear\ me|able\ to\ see\ my\ screen)
| (?:did|have)\ (?:i|we)\ (?:lose|lost)\ you | (?:did|have)\ you\ (?:lose|lost)\ me
| (?:you're|you\ are|i'm|i\ am)\ (?:on\ mute|muted|breaking\ up|frozen|cutting\ out)
| (?:can|could|would)\ you\ (?:please\ )?(?:repeat|say)\ (?:that|the\ question|it)
| (?:(?:can|could|would)\ you\ (?:please\ )?|why\ don't\ you\ (?:start\ by\ )?)
    (?:share|sharing|unshare|stop\ sharing)\ (?:your|the)\ screen
| (?:how\ about\ we|shall\ we|should\ we|can\ we|could\ we)\ (?:move\ on|get\ started|start|begin|wrap\ up)
    (?:\ to\ the\ next\ (?:question|topic|one|part|exercise))?
| (?:can|could|would)\ you\ (?:please\ )?(?:turn\ on|switch\ on|unmute|mute)(?:\ your)?
    (?:\ (?:camera|video|mic|microphone|audio))?
| is\ (?:this|it|the\ screen)\ (?:sharing|showing|coming\ through|visible)
| (?:does\ (?:that|this|it)\ )?make\ sense | (?:that|this|it)\ makes\ sense
| (?:do\ )?you\ (?:know|see|get)\ what\ i\ mean | (?:is|was)\ (?:that|this|it)\ clear
| (?:do\ you|are\ you)\ (?:follow|following)(?:\ me)? | following\ me | (?:you\ )?got\ (?:that|it|me)
)
(?:\ (?:okay|ok|alright|all\ right|well|now|clearly|fine|properly|at\ all|still|right|yet|again|there|too
     |please|for\ me|to\ you|so\ far))*
"""

_DE = r"""
(?:hallo|entschuldigung|okay|also)?\ ?
(?:(?:hören|sehen|verstehen)\ (?:sie|du|ihr)\ mich
 |(?:können|kannst|könnt)\ (?:sie|du|ihr)\ mich\ (?:hören|sehen|verstehen)
 |(?:sehen|siehst|seht)\ (?:sie|du|ihr)\ meinen\ bildschirm
 |bin\ ich\ (?:zu\ hören|stumm|stummgeschaltet|gemutet)
 |(?:ergibt|macht)\ das\ sinn|ist\ das\ (?:klar|verständlich)|(?:verstehen\ sie|verstehst\ du)\ was\ ich\ meine)
(?:\ (?:gut|jetzt|noch|okay))*
"""

_FR = r"""
(?:allô|allo|bonjour|pardon|désolé|désolée|alors)?\ ?
(?:(?:est\ ce\ que\ )?(?:vous\ m'entendez|tu\ m'entends|on\ m'entend|vous\ me\ voyez|tu\ me\ vois
    |vous\ voyez\ mon\ écran|tu\ vois\ mon\ écran)
 |m'entendez\ vous|m'entends\ tu|me\ voyez\ vous
 |(?:vous\ pouvez|tu\ peux|pouvez\ vous|peux\ tu)\ répéter
 |(?:est\ ce\ que\ )?(?:c'est|ça\ est)\ clair|vous\ me\ suivez|tu\ me\ suis|(?:est\ ce\ que\ )?ça\ a\ du\ sens)
(?:\ (?:bien|maintenant|encore))*
"""

_ES = r"""
(?:hola|perdón|perdona|bueno)?\ ?
(?:(?:me|nos)\ (?:oyes|oye|oyen|escuchas|escucha|escuchan|ves|ve|ven)
 |se\ me\ (?:oye|escucha|ve)
 |(?:ves|ve|ven)\ mi\ pantalla
 |(?:puedes|puede|pueden)\ (?:oírme|escucharme|verme|repetir)
 |tiene\ sentido|me\ explico|(?:está|queda)\ claro|me\ (?:sigues|sigue|siguen))
(?:\ (?:bien|ahora|todavía))*
"""

_PATTERNS = {code: re.compile(pattern, re.VERBOSE) for code, pattern in
             (("en", _EN), ("de", _DE), ("fr", _FR), ("es", _ES))}


def is_logistics(part: str, language: str = "en") -> bool:
    """True when the whole question part is a meeting-logistics check (in the session language or English:
    people fall back to English for "can you hear me")."""
    words = " ".join(_WORD.findall(part.lower().replace("’", "'").replace("-", " ")))
    if not words or len(words) > 80:  # longer than any check: something else is being asked too
        return False
    pattern = _PATTERNS.get(language)
    if pattern is not None and pattern.fullmatch(words):
        return True
    return language != "en" and _PATTERNS["en"].fullmatch(words) is not None
