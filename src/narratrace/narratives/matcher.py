"""Match articles to catalogue narratives: score, stance and evidence sentences.

Why sentence level: a narrative is usually carried by two or three sentences of an article
that is otherwise about an ordinary event; comparing the whole article with a claim
drowns them. Each body sentence is embedded (multilingual USE, so a French sentence matches
an English claim) and compared with every phrasing of every claim. Similarity alone
confuses "neutral report on Idlib" with "staged attack in Idlib", so lexical evidence of the
narrative's markers (keywords) and its usual actors (entities) enter a logistic
calibration fitted on the dev split: the score is a probability-like number, and the
threshold is chosen on data (data/matcher.yaml, docs/benchmarks.md).

Cost: on large catalogues, sentences are compared first with one centroid per narrative
and only the best ``candidates`` narratives are compared claim by claim.
"""

from __future__ import annotations

import bisect
import hashlib
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from ..config import environ
from ..embed import Encoder, memo
from ..embed.units import MAX_BODY_CHARS, body_units
from ..records import Article, NarrativeMatch, Span
from ..text.fold import fold, fold_phrase
from ..yamlfile import load_yaml
from .catalogue import Catalogue
from .head import HeadRow, document_vector, narrative_heads, sigmoid, stance_head
from .lexicon import PhraseIndex, tokenize
from .stance import StanceCues, StanceRules, classify, find_cues, stance_features

Vectors = npt.NDArray[np.float32]
_PARAMS = Path(__file__).with_name("data") / "matcher.yaml"


@dataclass(frozen=True)
class MatcherParams:
    calibration: dict[str, float] = field(default_factory=dict)
    # for narratives with a fitted head: a logistic over the same features, the head's best and
    # top-3 probabilities (and optionally w_base times the logit above); fitted on real data
    calibration_head: dict[str, float] = field(default_factory=dict)
    threshold: float = 0.5
    threshold_head: float | None = None  # for narratives with a fitted head (None: ``threshold``)
    evidence_floor: float = 0.40
    evidence_margin: float = 0.12
    max_evidence: int = 3
    max_matches: int = 5
    max_labelled_matches: int = 20  # matches of narratives learnt from labelled documents
    candidates: int = 24
    exact_below_claims: int = 3000
    keyword_cap: float = 4.0
    entity_cap: float = 4.0
    keyword_units: int = 3  # markers count only in the best-matching sentences ...
    keyword_radius: int = 1  # ... and this many neighbours either side (0 units: whole article)
    clauses: bool = True  # also embed the reported clause of "X claimed that ..." sentences
    explain_away: bool = True  # a sentence closer to a stronger match's claims is no evidence for a weaker one
    stance_head: bool = True  # use data/stance-head.npz when present (else the rules alone)
    stance: StanceRules = field(default_factory=StanceRules)

    @classmethod
    def load(cls, path: Path = _PARAMS, **overrides: Any) -> MatcherParams:
        data = load_yaml(path.read_text(encoding="utf-8")) or {}
        data.update({k: v for k, v in overrides.items() if v is not None})
        if overrides.get("threshold") is not None:  # an explicit threshold applies to every narrative
            data["threshold_head"] = overrides["threshold"]
        stance = data.pop("stance", {}) or {}
        rules = stance if isinstance(stance, StanceRules) else StanceRules(**stance)
        return cls(stance=rules, **data)


@dataclass(frozen=True)
class Features:
    """What the calibration sees for one (article, narrative) pair."""

    s1: float  # best sentence-claim similarity
    s2: float  # second-best sentence
    kw: float  # distinct narrative markers found, each weighted 1/(narratives sharing it)
    ent: float  # distinct typical entities found, weighted the same way
    margin: float = 0.0  # best (claim similarity - neutral-statement similarity) over sentences
    head: float | None = None  # best sentence's probability under the narrative's fitted head (head.py)
    head3: float = 0.0  # mean probability of its three best sentences (one stray sentence is not enough)
    length: float = 0.0  # log(1 + sentences): a long article offers more chances of one close sentence
    document: bool = False  # ``head`` is a document-level head's probability, and the score itself

    @property
    def strong(self) -> float:
        """How far the best sentence is above 0.55: a close paraphrase of a claim needs no
        keyword (the only non-linear term of the calibration)."""
        return max(0.0, self.s1 - 0.55)

    def as_list(self) -> list[float]:
        return [self.s1, self.s2, self.kw, self.ent, self.margin, self.strong]


_REPORTED = re.compile(
    r"\b(?:that|que|qu['’]|according to [^,]{1,80},|selon [^,]{1,80},|d['’]apr[eè]s [^,]{1,80},)\s*",
    re.IGNORECASE,
)


def reported_clause(sentence: str) -> str | None:
    """What is claimed in "The ministry said that X" / "Selon Moscou, X": X, if long enough.

    Attribution around a claim lowers its similarity to the catalogue phrasing; embedding the
    clause as well lets reports be recognised (their stance is decided separately).
    """
    for m in _REPORTED.finditer(sentence, 0, 300):
        if m.start() < 8 and m.group().lower().startswith(("that", "que", "qu")):
            continue  # "That is ..." / "Que ..." open a sentence, they do not report one
        clause = sentence[m.end():].strip()
        return clause if len(clause) >= 30 else None
    return None


def extra_title(body: str, title: str | None) -> bool:
    """Whether the headline is a unit of its own: given, and not already how the body starts."""
    return bool(title and title.strip() and title.strip()[:80] not in body[:2000])


def document_texts(body: str, title: str | None) -> list[str]:
    """The texts an article's document vector is the mean of: its sentences as the matcher
    splits them, and the headline when it is a unit of its own (``Matcher.candidates``)."""
    texts = [s.text for s in body_units(body)]
    if title and extra_title(body, title):
        texts.append(title.strip()[:600])
    return texts


def _unit_of(
    pos: int, starts: Sequence[int], sentences: Sequence[Span], body_len: int, with_title: bool
) -> int | None:
    """Index of the unit (body sentence, or the title after them) holding offset ``pos``."""
    if pos >= body_len:
        return len(sentences) if with_title else None
    i = bisect.bisect_right(starts, pos) - 1
    return i if i >= 0 and pos < sentences[i].end else None


def _phrase_key(phrase: str) -> str:
    """The key ``PhraseIndex`` reports for a phrase (folded tokens, trailing ``*`` kept)."""
    folded = fold_phrase(phrase.rstrip().rstrip("*"))
    return folded + "*" if folded and phrase.rstrip().endswith("*") else folded


def _cache_dir() -> Path:
    env = environ("NARRATRACE_CACHE")
    if env:
        return Path(env)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "narratrace"


class CatalogueIndex:
    """Claim vectors, centroids and the marker/entity phrase index of one catalogue."""

    def __init__(self, catalogue: Catalogue, encoder: Encoder, use_file_cache: bool = True) -> None:
        self.catalogue = catalogue
        self.narratives = catalogue.narratives
        texts: list[str] = []
        owner: list[int] = []
        # Phrases are indexed once by kind (k: marker, e: entity, a: anchor); each narrative
        # keeps the set of its phrase keys, so an article's hits are intersected with the
        # few candidate narratives only (a catalogue of 1,000 shares "Russia" a lot).
        self.phrases = PhraseIndex()
        self.keys: list[dict[str, frozenset[str]]] = []
        self.kw_owners: dict[str, list[int]] = {}
        for i, n in enumerate(self.narratives):
            for claim in [*n.all_claims(), n.title]:
                texts.append(claim)
                owner.append(i)
            keys: dict[str, frozenset[str]] = {}
            for kind, phrases in (("k", n.all_keywords()), ("e", n.entities), ("a", n.anchors)):
                self.phrases.add_all(phrases, kind)
                keys[kind] = frozenset(k for k in map(_phrase_key, phrases) if k)
            self.keys.append(keys)
            for k in keys["k"]:
                self.kw_owners.setdefault(k, []).append(i)
        self.anchored = {i for i, n in enumerate(self.narratives) if n.anchors}
        # A marker shared by many narratives ("provocation", "staged") says little about
        # which one an article carries: weight each by 1 / sqrt(number of narratives using it).
        share: dict[str, int] = {}
        for keys in self.keys:
            for k in keys["k"] | keys["e"]:
                share[k] = share.get(k, 0) + 1
        self.weight = {k: 1.0 / math.sqrt(v) for k, v in share.items()}
        self.owner = np.asarray(owner, dtype=np.int64)
        self.claims = self._vectors(texts, encoder, use_file_cache)
        dim = self.claims.shape[1] if self.claims.size else encoder.dim
        cent = np.zeros((len(self.narratives), dim), dtype=np.float32)
        np.add.at(cent, self.owner, self.claims)
        norms = np.linalg.norm(cent, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        self.centroids = cent / norms
        self.rows_of = [np.flatnonzero(self.owner == i) for i in range(len(self.narratives))]
        self.set_heads(self._heads(encoder, dim))
        neutral_texts: list[str] = []
        neutral_owner: list[int] = []
        for i, n in enumerate(self.narratives):
            for text in n.all_neutral():
                neutral_texts.append(text)
                neutral_owner.append(i)
        self.neutral = self._vectors(neutral_texts, encoder, use_file_cache)
        owners = np.asarray(neutral_owner, dtype=np.int64)
        self.neutral_rows_of = [np.flatnonzero(owners == i) for i in range(len(self.narratives))]

    def _heads(self, encoder: Encoder, dim: int) -> dict[int, HeadRow]:
        """Fitted head rows of the narratives, each from the folder its file was read from
        (a user's file replacing a shipped narrative does not inherit the shipped head)."""
        by_folder: dict[Path, dict[str, HeadRow]] = {}
        out: dict[int, HeadRow] = {}
        for i, n in enumerate(self.narratives):
            if not n.path:
                continue
            folder = Path(n.path).parent
            if folder not in by_folder:
                by_folder[folder] = narrative_heads(folder, encoder.name, dim)
            if n.id in by_folder[folder]:
                out[i] = by_folder[folder][n.id]
        return out

    def set_heads(self, heads: dict[int, HeadRow]) -> None:
        """Install head rows by narrative index (the fitting script swaps in cross-fitted ones).

        A "document" row (``narratives import-labelled``) scores the article's mean sentence
        vector and its probability is the match score itself (its threshold folded into the
        bias at 0.5); a "sentence" row scores each sentence and enters ``calibration_head``.
        """
        dim = self.centroids.shape[1]
        self.head_w = np.zeros((len(self.narratives), dim), dtype=np.float32)
        self.head_b = np.zeros(len(self.narratives), dtype=np.float32)
        self.has_head = np.zeros(len(self.narratives), dtype=bool)
        self.head_doc = np.zeros(len(self.narratives), dtype=bool)
        for i, row in heads.items():
            self.head_w[i], self.head_b[i], self.has_head[i] = row[0], row[1], True
            self.head_doc[i] = row[2] == "document"

    def _vectors(self, texts: list[str], encoder: Encoder, use_file_cache: bool) -> Vectors:
        """Claim vectors, cached to a file keyed by the claim texts and the encoder name."""
        digest = hashlib.sha256("\0".join([encoder.name, *texts]).encode()).hexdigest()[:24]
        path = _cache_dir() / f"catalogue-{digest}.npy"
        if use_file_cache and path.is_file():
            try:
                arr = np.load(path, allow_pickle=False)
                if arr.shape == (len(texts), encoder.dim):
                    return np.asarray(arr, dtype=np.float32)
            except (OSError, ValueError):
                pass
        arr = encoder.encode(texts) if texts else np.zeros((0, encoder.dim), dtype=np.float32)
        if use_file_cache:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(f".{os.getpid()}.tmp.npy")
                np.save(tmp, arr)
                tmp.replace(path)
            except OSError:
                pass  # a read-only home is fine: we just recompute next time
        return arr


@dataclass(frozen=True)
class Candidate:
    """One narrative scored for one article (kept for evaluation and tuning)."""

    narrative: int
    features: Features
    score: float
    sims: tuple[float, ...]  # per body sentence


class Matcher:
    """Scores an article against the catalogue. Thread-safe once built; pure per article."""

    def __init__(self, index: CatalogueIndex, encoder: Encoder, params: MatcherParams | None = None) -> None:
        self.index = index
        self.encoder = encoder
        self.params = params or MatcherParams.load()
        self._stance_head = stance_head(encoder.name) if self.params.stance_head and encoder is not None else None

    def calibrated(self, f: Features) -> float:
        """sigmoid of the similarity/lexical logit (``calibration``); for a narrative with a fitted
        head, that logit and the head's probability are combined by ``calibration_head``."""
        c = self.params.calibration
        z = (
            c.get("bias", 0.0)
            + c.get("w_s1", 0.0) * f.s1
            + c.get("w_s2", 0.0) * f.s2
            + c.get("w_kw", 0.0) * f.kw
            + c.get("w_ent", 0.0) * f.ent
            + c.get("w_margin", 0.0) * f.margin
            + c.get("w_strong", 0.0) * f.strong
        )
        if f.document and f.head is not None:
            return f.head
        h = self.params.calibration_head
        if f.head is not None and h:
            z = (h.get("bias", 0.0) + h.get("w_base", 0.0) * max(-50.0, min(50.0, z))
                 + h.get("w_s1", 0.0) * f.s1 + h.get("w_s2", 0.0) * f.s2 + h.get("w_kw", 0.0) * f.kw
                 + h.get("w_ent", 0.0) * f.ent + h.get("w_margin", 0.0) * f.margin
                 + h.get("w_head", 0.0) * f.head + h.get("w_head3", 0.0) * f.head3
                 + h.get("w_length", 0.0) * f.length)
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def threshold_for(self, f: Features) -> float:
        p = self.params
        if f.document:
            return 0.5  # a document head's own threshold is folded into its bias
        return p.threshold_head if f.head is not None and p.threshold_head is not None else p.threshold

    def candidates(self, body: str, title: str | None = None) -> tuple[list[Span], list[Candidate], Any]:
        """Sentences of the body, scored candidates, and the lexical context for stance."""
        body = body[:MAX_BODY_CHARS]
        sentences = body_units(body)
        texts = [s.text for s in sentences]
        parents: list[int] = []
        if self.params.clauses:
            for k, s in enumerate(sentences):
                clause = reported_clause(s.text)
                if clause:
                    texts.append(clause)
                    parents.append(k)
        with_title = extra_title(body, title)
        if with_title and title:
            texts.append(title.strip()[:600])
        if not texts or not self.index.narratives:
            return sentences, [], None
        vecs = memo.encode(self.encoder, texts)
        folded_body = fold(body)
        body_tokens = tokenize(folded_body)
        folded = f"{folded_body}\n{fold(title or '')}" if with_title else folded_body
        tokens = tokenize(folded) if with_title else body_tokens
        found: dict[str, set[str]] = {"k": set(), "e": set(), "a": set()}
        starts = [s.start for s in sentences]
        kw_by_unit: list[set[str]] = [set() for _ in range(len(sentences) + int(with_title))]
        for h in self.index.phrases.find(folded, tokens):
            kinds = cast(tuple[str, ...], h.payloads)
            for kind in kinds:
                found[kind].add(h.key)
            if "k" in kinds:
                u = _unit_of(h.start, starts, sentences, len(folded_body), with_title)
                if u is not None:
                    kw_by_unit[u].add(h.key)
        keys = self.index.keys
        p = self.params
        n_narr = len(self.index.narratives)
        if len(self.index.owner) <= p.exact_below_claims:
            cand_ids = list(range(n_narr))
        else:
            best = (vecs @ self.index.centroids.T).max(axis=0)
            k = min(p.candidates, n_narr)
            top = np.argpartition(-best, k - 1)[:k]
            kw_count: dict[int, int] = {}
            for key in found["k"]:
                for i in self.index.kw_owners.get(key, []):
                    kw_count[i] = kw_count.get(i, 0) + 1
            with_kw = sorted(kw_count, key=lambda i: -kw_count[i])[: p.candidates]
            cand_ids = sorted(set(int(i) for i in top) | set(with_kw))
        cand_ids = [
            i for i in cand_ids
            if len(self.index.rows_of[i]) and (i not in self.index.anchored or keys[i]["a"] & found["a"])
        ]
        out: list[Candidate] = []
        cues = replace(find_cues(folded_body, body_tokens, sentences), vectors=vecs[: len(sentences)],
                       title_vector=vecs[-1] if with_title else None)
        if not cand_ids:
            return sentences, out, cues
        rows = np.concatenate([self.index.rows_of[i] for i in cand_ids])
        sims_all = vecs @ self.index.claims[rows].T  # (units, claims of candidates)
        offsets = np.cumsum([0] + [len(self.index.rows_of[i]) for i in cand_ids[:-1]])
        per_unit = np.maximum.reduceat(sims_all, offsets, axis=1)  # (units, candidates)
        # Closer to a neutral statement on the same topic than to the claims: topic, not narrative.
        near_neutral = np.zeros_like(per_unit)
        with_neutral = [c for c, i in enumerate(cand_ids) if len(self.index.neutral_rows_of[i])]
        if with_neutral:
            nrows = np.concatenate([self.index.neutral_rows_of[cand_ids[c]] for c in with_neutral])
            noff = np.cumsum([0] + [len(self.index.neutral_rows_of[cand_ids[c]]) for c in with_neutral[:-1]])
            near_neutral[:, with_neutral] = np.maximum.reduceat(vecs @ self.index.neutral[nrows].T, noff, axis=1)
        margin = (per_unit - near_neutral).max(axis=0)
        cand_arr = np.asarray(cand_ids, dtype=np.int64)
        with_head = self.index.has_head[cand_arr]
        head_best = np.zeros(len(cand_ids), dtype=np.float32)
        head_top3 = np.zeros(len(cand_ids), dtype=np.float32)
        doc_head = self.index.head_doc[cand_arr]
        by_sentence = np.flatnonzero(with_head & ~doc_head)
        if len(by_sentence):  # a sentence head scores each unit; its best and top-3 enter the calibration
            heads = cand_arr[by_sentence]
            probs = sigmoid(vecs @ self.index.head_w[heads].T + self.index.head_b[heads])
            head_best[by_sentence] = probs.max(axis=0)
            head_top3[by_sentence] = (-np.sort(-probs, axis=0)[:3]).sum(axis=0) / 3.0
        by_document = np.flatnonzero(doc_head)
        if len(by_document):  # a document head scores the mean vector of the sentences and headline
            heads = cand_arr[by_document]
            rows_doc = list(range(len(sentences))) + ([len(texts) - 1] if with_title else [])
            docvec = document_vector(vecs[rows_doc])
            head_best[by_document] = sigmoid(docvec @ self.index.head_w[heads].T + self.index.head_b[heads])
        n_body = len(sentences)
        if parents:  # a reported clause stands for its sentence; keep one row per sentence (+ title)
            for k, parent in enumerate(parents):
                np.maximum(per_unit[parent], per_unit[n_body + k], out=per_unit[parent])
            keep = list(range(n_body)) + ([n_body + len(parents)] if with_title else [])
            per_unit = per_unit[keep]
        if per_unit.shape[0] > 1:
            top2 = -np.partition(-per_unit, 1, axis=0)[:2]
        else:
            top2 = np.vstack([per_unit, np.zeros_like(per_unit)])
        body_sims = per_unit[:n_body].T.tolist()
        weight = self.index.weight
        for col, i in enumerate(cand_ids):
            local = found["k"]
            if p.keyword_units > 0:
                local = set()
                for j in np.argsort(-per_unit[:, col])[: p.keyword_units].tolist():
                    lo, hi = (j, j) if j >= n_body else (max(0, j - p.keyword_radius),
                                                          min(n_body - 1, j + p.keyword_radius))
                    for u in range(lo, hi + 1):
                        local |= kw_by_unit[u]
            kw_w = sum(weight.get(t, 1.0) for t in keys[i]["k"] & local)
            ent_w = sum(weight.get(t, 1.0) for t in keys[i]["e"] & found["e"])
            feats = Features(float(top2[0, col]), float(top2[1, col]), min(kw_w, p.keyword_cap),
                             min(ent_w, p.entity_cap), float(margin[col]),
                             float(head_best[col]) if with_head[col] else None, float(head_top3[col]),
                             math.log1p(n_body), bool(doc_head[col]))
            out.append(Candidate(i, feats, self.calibrated(feats), tuple(body_sims[col])))
        return sentences, out, cues

    def _evidence(self, sentences: Sequence[Span], sims: Sequence[float]) -> list[tuple[int, float]]:
        p = self.params
        if not sims:
            return []
        best = max(sims)
        floor = max(p.evidence_floor, best - p.evidence_margin)
        ranked = sorted(
            ((i, s) for i, s in enumerate(sims) if s >= floor), key=lambda x: -x[1]
        )[: p.max_evidence]
        if not ranked:
            i = int(np.argmax(sims))
            ranked = [(i, sims[i])]
        return sorted(ranked)

    def select(self, cands: Sequence[Candidate]) -> list[Candidate]:
        """The matches to report, best first: over the threshold, explained away, at most ``max_matches``."""
        p = self.params
        scored = [replace(c, score=self.calibrated(c.features)) for c in cands]
        kept = sorted((c for c in scored if c.score >= self.threshold_for(c.features)), key=lambda c: -c.score)
        # narratives learnt from labelled documents are labels of the whole document (a
        # narrative and its subnarratives together): neither explained away nor capped as tightly
        labelled = [c for c in kept if c.features.document][: p.max_labelled_matches]
        kept = [c for c in kept if not c.features.document]
        if p.explain_away:
            kept = sorted(self._explain_away(kept), key=lambda c: -c.score)
        return sorted([*kept[: p.max_matches], *labelled], key=lambda c: -c.score)

    def _explain_away(self, kept: list[Candidate]) -> list[Candidate]:
        """Re-score weaker matches on the sentences no stronger match explains better.

        In a long article, the sentences that carry one narrative also resemble the claims
        of its neighbours (biolabs and a "dirty bomb", staged attacks and the White Helmets):
        the best sentence of a weaker narrative is then the same sentence that a stronger
        one already explains. Each body sentence counts only for the matches it is closest
        to, the weaker match is re-scored on what remains, and it stays only if that still
        passes the threshold. The strongest match is never touched.
        """
        out: list[Candidate] = []
        for c in kept:
            own = [
                sim for j, sim in enumerate(c.sims)
                if not any(stronger.sims[j] > sim for stronger in out if j < len(stronger.sims))
            ]
            if out and len(own) < len(c.sims):
                top = [*sorted(own, reverse=True)[:2], 0.0, 0.0]
                feats = replace(c.features, s1=min(c.features.s1, top[0]), s2=min(c.features.s2, top[1]))
                score = self.calibrated(feats)
                if score < self.threshold_for(feats):
                    continue
                c = replace(c, features=feats, score=score)
            out.append(c)
        return out

    def stance(self, cues: StanceCues, evidence: Sequence[tuple[int, float]]) -> str:
        """The rules' stance, overruled by the fitted stance head only when it is confident.

        The head (fitted on real EUvsDisinfo disproofs, case summaries and news) reads rebuttals
        the lexicon misses ("This is a recurring pro-Kremlin narrative ..."); the rules still
        decide between ``promotes`` and ``reports`` (attribution, purpose clauses), where the
        real training data is thin. Thresholds: ``stance.head_refutes``
        (over "promotes"), ``head_refutes_reported`` (over an attributed report), ``head_not_refutes``.
        """
        rules = self.params.stance
        verdict = classify(cues, evidence, rules)
        head = self._stance_head
        if head is None:
            return verdict
        probs = head.predict(stance_features(cues, evidence, rules).reshape(1, -1))[0]
        p_refutes = float(probs[head.labels.index("refutes")])
        if verdict == "promotes" and p_refutes >= rules.head_refutes:
            return "refutes"
        if verdict == "reports" and p_refutes >= rules.head_refutes_reported:
            return "refutes"
        if verdict == "refutes" and p_refutes < rules.head_not_refutes:
            return max(("promotes", "reports"), key=lambda s: float(probs[head.labels.index(s)]))
        return verdict

    def match(self, body: str, title: str | None = None) -> tuple[NarrativeMatch, ...]:
        """Matches of an article; a headline-only item (no body) is matched and its stance read
        on the headline as if it were the body, with no evidence spans (they point into ``body``)."""
        headline_only = not body.strip() and bool(title and title.strip())
        if headline_only and title:
            body, title = title.strip()[:600], None
        sentences, cands, cues = self.candidates(body, title)
        out: list[NarrativeMatch] = []
        for c in self.select(cands):
            n = self.index.narratives[c.narrative]
            ev = self._evidence(sentences, c.sims)
            stance = self.stance(cues, ev) if cues is not None else "reports"
            spans = () if headline_only else tuple(
                Span(sentences[i].start, sentences[i].end, sentences[i].text) for i, _ in ev)
            out.append(NarrativeMatch(n.id, n.title, round(c.score, 4), stance, spans))
        return tuple(out)

    def __call__(self, article: Article) -> Article:
        return article.replace(narratives=self.match(article.body, article.title))
