"""Passwords so common that attackers try them first. Refused whatever their length.

A short list on purpose: the classics that keep topping breach statistics, lower-cased.
"""

_LIST = """
123456 123456789 12345678 1234567890 password password1 password12 password123 qwerty
qwerty123 qwertyuiop 1q2w3e4r 1q2w3e4r5t 11111111 00000000 12341234 87654321 abcd1234
iloveyou iloveyou1 sunshine princess football baseball basketball superman batman
trustno1 letmein letmein1 welcome welcome1 welcome123 monkey123 dragon123 master123
admin123 administrator changeme changeme123 passw0rd p@ssw0rd p@ssword secret123
starwars whatever freedom1 michelle jennifer jessica charlie1 computer internet
asdfghjkl zxcvbnmm 1qaz2wsx qazwsxedc aa123456 a1234567 abc12345 abcdefgh 123qweasd
football1 baseball1 liverpool chelsea1 arsenal1 barcelona loveyou1 lovelove mylove123
family123 forever1 together love1234 sweetheart sunshine1 princess1 iloveu123
coaching coachpro relationship marriage couples123
"""

COMMON_PASSWORDS = frozenset(_LIST.split())


def is_common(password: str) -> bool:
    return password.strip().lower() in COMMON_PASSWORDS
