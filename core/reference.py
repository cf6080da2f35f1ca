"""The references people quote to us (enquiries, contact messages, registrations): one alphabet, one generator.

The alphabet leaves out characters that are misread on a screen or misheard on the phone: 0/O,
1/I/L and U/V (only V stays). References made before it was shared kept their own letters (Support's
used L and U too); they stay valid, since a reference is only ever looked up whole, as stored (from
a signed link or the admin's search), never checked against this alphabet."""

import secrets

REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_reference(prefix: str, length: int) -> str:
    """`prefix`, then `length` random characters in two halves: EN-7KQ2-M9XD.

    secrets.choice, so nobody can guess another person's reference: each character is about 4.9 bits."""
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(length))
    half = length // 2
    return f"{prefix}-{code[:half]}-{code[half:]}"
