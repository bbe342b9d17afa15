"""M8: the leader's death, his legacy and his successor. Pure functions of arrays.

The essay: a martyred leader's failures "would be compressed into a simpler
moral story of sacrifice", and a successor inheriting a sanctified legacy
"might possess greater flexibility ... without appearing weak". The symbolic
rigidity that was *personal* dies with him; what was institutional passes on.

Legacy score ∈ [0, 1]:
- ended normally: 0.5·standing with the base + 0.5·economy (steadfastness and the
  material record count equally);
- martyred (killed in confrontation, M8 on): the material record is forgotten and
  the sacrifice adds ``sanctification × personal_rigidity_share``;
- had he capitulated: steadfastness is lost in proportion to the concession,
  0.5·base·(1 − demand) + 0.5·min(1, economy + relief).
"""

from __future__ import annotations

import numpy as np

from compellence.model.core import Bundle


def ordinary_legacy(S: Bundle) -> np.ndarray:
    """Legacy of a tenure that ends without martyrdom."""
    return 0.5 * S.base + 0.5 * S.economy


def martyr_legacy(L: Bundle, S: Bundle, D: Bundle, M: Bundle) -> np.ndarray:
    """Legacy of a leader killed in confrontation: sanctified when M8 is on."""
    if not M.sanctified_succession:
        return ordinary_legacy(S)
    return np.clip(S.base + D.sanctification * L.personal_rigidity_share, 0.0, 1.0)


def capitulation_legacy(S: Bundle, O: Bundle) -> np.ndarray:
    """Legacy the same leader would have had by capitulating to the demand now."""
    return 0.5 * S.base * (1.0 - O.demand) + 0.5 * np.minimum(S.economy + O.relief, 1.0)


def successor(L: Bundle, legacy: np.ndarray, martyred: np.ndarray, M: Bundle) -> Bundle:
    """The successor's parameters (rows where martyred or not alike; see module doc).

    After a martyrdom (M8 on): identity weight × (1 − personal rigidity share); the
    successor's own rigidity is institutional (personal share 0); he gains a
    face-saving credit martyr_credit × legacy × predecessor's personal share for
    deals framed as honouring the martyr. After a natural death, or with M8 off,
    the successor inherits the predecessor's parameters and no credit.
    """
    new = Bundle(L)
    if M.sanctified_succession:
        personal = L.personal_rigidity_share
        new.identity_weight = np.where(martyred, L.identity_weight * (1.0 - personal),
                                       L.identity_weight)
        new.credit = np.where(martyred, L.martyr_credit * legacy * personal, 0.0)
        new.personal_rigidity_share = np.where(martyred, 0.0, personal)
    else:
        new.credit = np.zeros_like(legacy)
    return new
