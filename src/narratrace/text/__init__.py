"""The text kernel: what every role shares about text.

- ``sentences``: the sentence splitters (one span type, ``records.Span``, code-point offsets);
- ``fold``: offset-keeping folding (``fold``) and transliterating comparison keys (``translit``);
- ``language``: language identification and stop words;
- ``bidi``: direction controls made visible; ``storable``: text a database accepts.
"""
