"""The one rounding rule of a report's percentages.

The content carries each percentage already rounded, and the web page, the mail and the PDF
show that figure as it is: rounding again in each of them (Python rounds halves to even,
JavaScript's ``toFixed`` up) once made one report say -9 % on the web and -8 % in the mail.
"""

from __future__ import annotations

import math
from fractions import Fraction


def whole_percent(part: float, whole: float) -> int:
    """``part`` in percent of ``whole``, to the nearest whole percent, halves away from zero
    (-8.5 % is -9 %, 12.5 % is 13 %). Worked out exactly, from the ratio itself: a ratio
    rounded first (to -8.46 %, then -8.5 %) would round twice."""
    exact = Fraction(part) * 100 / Fraction(whole)
    rounded = math.floor(abs(exact) + Fraction(1, 2))
    return -rounded if exact < 0 else rounded
