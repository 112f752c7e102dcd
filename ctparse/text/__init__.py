"""The vocabulary every stage shares, one module each: sentence splitting
(:mod:`~ctparse.text.sentences`), time units (:mod:`~ctparse.text.timeunits`),
comparator signs (:mod:`~ctparse.text.comparators`), list markers
(:mod:`~ctparse.text.bullets`), the words for a person
(:mod:`~ctparse.text.people`) and trie-shaped phrase patterns
(:mod:`~ctparse.text.patterns`). NCT ids and record fields are in
:mod:`ctparse.records`.
"""
