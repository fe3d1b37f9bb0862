"""rewardlab.models: Hugging Face model directories, reward models, generation, tokenizers.

Everything here reads and writes the directories the ``rlab`` command reads and writes:

* :class:`RewardModel` opens a reward model that ``rlab train-rm`` saved (one Hugging Face
  sequence-classification directory, or an ensemble directory with ``ensemble.json``) and
  scores ``(prompt, completion)`` texts exactly as ``rlab score`` does, or token tensors.
* :class:`LanguageModel` opens a causal language model (GPT-2 or Llama layout) or a preset
  with fresh weights: logits, per-token log-probabilities, and generation with log-probs.
* :class:`Tokenizer` opens ``"byte"``, ``"gpt2"`` or a model/tokenizer directory, as
  ``rlab tokenize`` does.

Tensors cross without copies: a ``torch.Tensor`` you pass is read where it lies, and the
tensors returned are rewardlab's own (``state_dict()`` gives a model's parameters themselves).
The model calls release the GIL. Errors are :class:`rewardlab.RewardlabError`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any, Mapping, NamedTuple, Optional, Sequence, Union

import torch

from . import _core

_models = _core.models

PathLike = Union[str, "os.PathLike[str]"]
TokenPrompts = Union[Sequence[Sequence[int]], Sequence[str], torch.Tensor]

__all__ = [
    "EnsembleRewards",
    "Generation",
    "LanguageModel",
    "RewardModel",
    "Tokenizer",
    "presets",
]


def presets() -> dict[str, str]:
    """The model presets by name (``tiny``, ``small``, ``medium``) with their shapes."""
    return dict(_models.presets())


def _texts(values: Union[str, Sequence[str]], what: str) -> list[str]:
    if isinstance(values, str):
        return [values]
    if not isinstance(values, Sequence):
        raise TypeError(f"{what} must be a string or a sequence of strings")
    return list(values)


class _EngineHandle:
    """A Python object over an engine object (``_impl``), which ``_wrap`` can also make from one
    the engine returns."""

    _impl: Any

    @classmethod
    def _wrap(cls, impl: Any):
        wrapped = cls.__new__(cls)
        wrapped._impl = impl
        return wrapped


class Tokenizer(_EngineHandle):
    """Text to token ids and back, with the special tokens BOS, EOS and PAD.

    Args:
        name_or_path: ``"byte"`` (one id per byte, then ``<pad>``, ``<bos>``, ``<eos>``),
            ``"gpt2"``, a model or tokenizer directory, or a ``tokenizer.json`` file.
    """

    def __init__(self, name_or_path: PathLike) -> None:
        self._impl = _models.Tokenizer(os.fspath(name_or_path))

    def encode(self, text: str, add_bos: bool = False) -> list[int]:
        """The token ids of ``text``; special tokens written in it become their ids.

        Args:
            text: the text.
            add_bos: put the BOS id first (when the tokenizer has one).
        """
        return self._impl.encode(text, add_bos)

    def decode(
        self, ids: Union[Sequence[int], torch.Tensor], skip_special_tokens: bool = False
    ) -> str:
        """The text of ``ids`` (a list or a 1-d tensor); a cut through a character gives U+FFFD."""
        if isinstance(ids, torch.Tensor):
            ids = ids.tolist()
        return self._impl.decode(ids, skip_special_tokens)

    def apply_chat_template(
        self,
        messages: Sequence[Mapping[str, str]],
        add_generation_prompt: bool = False,
        chat_template: str = "auto",
    ) -> str:
        """A conversation ``[{"role": ..., "content": ...}, ...]`` rendered as chat text.

        Args:
            messages: the turns, in order.
            add_generation_prompt: end with the opening of an assistant turn.
            chat_template: ``"chatml"``, ``"llama3"``, ``"plain"``, or ``"auto"`` (the one
                the tokenizer's special tokens point to).
        """
        turns = [(m["role"], m["content"]) for m in messages]
        return self._impl.apply_chat_template(turns, add_generation_prompt, chat_template)

    def is_special(self, token_id: int) -> bool:
        """Whether ``token_id`` is an added (special) token."""
        return self._impl.is_special(token_id)

    def token_id(self, content: str) -> int:
        """The id of the added token written ``content`` (e.g. ``"<|endoftext|>"``)."""
        return self._impl.token_id(content)

    def save(self, directory: PathLike) -> None:
        """Writes the tokenizer's files into ``directory`` (created if needed)."""
        self._impl.save(os.fspath(directory))

    @property
    def vocab_size(self) -> int:
        """One more than the largest id, added tokens included."""
        return self._impl.vocab_size

    @property
    def bos_token_id(self) -> Optional[int]:
        return self._impl.bos_token_id

    @property
    def eos_token_id(self) -> Optional[int]:
        return self._impl.eos_token_id

    @property
    def pad_token_id(self) -> Optional[int]:
        return self._impl.pad_token_id

    def __len__(self) -> int:
        return self._impl.vocab_size

    def __repr__(self) -> str:
        return f"Tokenizer({self._impl.describe()})"


@dataclass(frozen=True)
class Generation:
    """What :meth:`LanguageModel.generate` returns; the tensors are rewardlab's, not copies.

    Attributes:
        prompt_ids: ``[B, P]`` int64, the prompts left-padded as the model saw them.
        prompt_mask: ``[B, P]`` int64, 1 for real prompt tokens.
        tokens: ``[B, N]`` int64, the generated ids (the pad id after a row stopped).
        logprobs: ``[B, N]`` float, ``log p(token | prefix)`` under
            ``softmax(logits / temperature)`` before top-k/top-p truncation; 0 where masked.
        mask: ``[B, N]`` int64, 1 for generated tokens (a stop token included).
    """

    prompt_ids: torch.Tensor
    prompt_mask: torch.Tensor
    tokens: torch.Tensor
    logprobs: torch.Tensor
    mask: torch.Tensor
    _impl: Any = field(repr=False)
    _tokenizer: Optional[Tokenizer] = field(repr=False)

    def completions(self) -> list[list[int]]:
        """Each row's generated ids without padding (its stop token, if any, last)."""
        return self._impl.completions()

    def texts(self, skip_special_tokens: bool = True) -> list[str]:
        """Each row's completion decoded with the model's tokenizer."""
        if self._tokenizer is None:
            raise _core.RewardlabError("the model has no tokenizer to decode completions with")
        return [self._tokenizer.decode(ids, skip_special_tokens) for ids in self.completions()]


class LanguageModel:
    """A causal language model (GPT-2 or Llama layout) with its tokenizer.

    Args:
        path_or_preset: a Hugging Face model directory (``config.json`` and
            ``model.safetensors``), or a preset name (``"tiny"``, ``"small"``, ``"medium"``,
            or ``"preset:NAME"``) with fresh weights.
        seed: the seed of a preset's fresh weights, as ``rlab generate --seed`` takes it (the
            same seed gives the same weights; torch's own generator is left as it was).
        tokenizer: replaces the directory's tokenizer (``"byte"``, ``"gpt2"``, a path); a
            preset gets the byte tokenizer when not given.
    """

    def __init__(
        self, path_or_preset: PathLike, *, seed: int = 0, tokenizer: Optional[PathLike] = None
    ) -> None:
        self._impl = _models.LanguageModel(
            os.fspath(path_or_preset), seed, None if tokenizer is None else os.fspath(tokenizer)
        )

    @classmethod
    def from_preset(
        cls, preset: str = "tiny", *, seed: int = 0, tokenizer: PathLike = "byte"
    ) -> "LanguageModel":
        """A model of a preset's shape with fresh weights drawn from ``seed``."""
        return cls(f"preset:{preset}", seed=seed, tokenizer=tokenizer)

    def forward(
        self, input_ids: torch.Tensor, attention_mask: Optional[torch.Tensor] = None
    ) -> torch.Tensor:
        """Logits ``[B, T, V]`` of ``input_ids`` ``[B, T]`` (int64).

        ``attention_mask`` ``[B, T]`` marks real tokens with 1 (left or right padding). Runs
        under the caller's grad mode: wrap in ``torch.no_grad()`` for inference.
        """
        return self._impl.forward(input_ids, attention_mask)

    __call__ = forward

    def token_logprobs(
        self, input_ids: torch.Tensor, attention_mask: Optional[torch.Tensor] = None
    ) -> torch.Tensor:
        """``[B, T-1]``: entry ``t`` is ``log p(input_ids[:, t+1] | input_ids[:, :t+1])``."""
        return self._impl.token_logprobs(input_ids, attention_mask)

    def completion_logprobs(
        self,
        generation: Optional[Generation] = None,
        *,
        prompt_ids: Optional[torch.Tensor] = None,
        prompt_mask: Optional[torch.Tensor] = None,
        completion_ids: Optional[torch.Tensor] = None,
        completion_mask: Optional[torch.Tensor] = None,
        temperature: float = 1.0,
    ) -> torch.Tensor:
        """Teacher-forced log-probs ``[B, N]`` of completions after left-padded prompts.

        Give a :class:`Generation` (this model's or another's samples) or the four tensors;
        0 where the completion mask is 0. Runs under the caller's grad mode.
        """
        if generation is not None:
            prompt_ids, prompt_mask = generation.prompt_ids, generation.prompt_mask
            completion_ids, completion_mask = generation.tokens, generation.mask
        if prompt_ids is None or completion_ids is None:
            raise TypeError("give a Generation or prompt_ids and completion_ids")
        if prompt_mask is None:
            prompt_mask = torch.ones_like(prompt_ids)
        if completion_mask is None:
            completion_mask = torch.ones_like(completion_ids)
        return self._impl.completion_logprobs(
            prompt_ids, prompt_mask, completion_ids, completion_mask, temperature
        )

    def generate(
        self,
        prompts: TokenPrompts,
        *,
        max_new_tokens: int = 64,
        temperature: float = 1.0,
        top_k: int = 0,
        top_p: float = 1.0,
        stop_token_ids: Optional[Sequence[int]] = None,
        pad_token_id: Optional[int] = None,
        seed: int = 0,
        use_cache: bool = True,
        add_bos: bool = True,
    ) -> Generation:
        """Samples a completion of each prompt, in one batch.

        Args:
            prompts: token-id lists, a ``[B, P]`` int64 tensor, or texts (encoded with the
                model's tokenizer, BOS first when ``add_bos``).
            max_new_tokens: the most tokens generated per prompt.
            temperature: 0 is greedy; top_k (0 = all) and top_p (1 = off) truncate.
            stop_token_ids: ids that end a row; ``None`` means the tokenizer's EOS, ``[]``
                none.
            pad_token_id: fills padding; ``None`` means the tokenizer's PAD (else EOS, else 0).
            seed: the seed of the sampling, as ``rlab generate --seed`` takes it.
            use_cache: decode with the key/value cache (else recompute every position).
        """
        if isinstance(prompts, torch.Tensor):
            rows = prompts.tolist()
        elif len(prompts) > 0 and isinstance(prompts[0], str):
            tokenizer = self.tokenizer
            if tokenizer is None:
                raise _core.RewardlabError("the model has no tokenizer: give token-id prompts")
            rows = [tokenizer.encode(text, add_bos) for text in prompts]  # type: ignore[arg-type]
        else:
            rows = [list(p) for p in prompts]
        out = self._impl.generate(
            rows,
            max_new_tokens,
            temperature,
            top_k,
            top_p,
            None if stop_token_ids is None else list(stop_token_ids),
            pad_token_id,
            seed,
            use_cache,
        )
        return Generation(
            out.prompt_ids, out.prompt_mask, out.tokens, out.logprobs, out.mask, out, self.tokenizer
        )

    def save(self, directory: PathLike) -> None:
        """Writes ``config.json``, ``model.safetensors`` and the tokenizer's files."""
        self._impl.save(os.fspath(directory))

    def state_dict(self) -> dict[str, torch.Tensor]:
        """The parameters by name: the model's own tensors (an in-place change changes it)."""
        return self._impl.state_dict()

    @property
    def tokenizer(self) -> Optional[Tokenizer]:
        """The model's tokenizer (``None`` for a directory without tokenizer files)."""
        impl = self._impl.tokenizer
        return None if impl is None else Tokenizer._wrap(impl)

    @property
    def config(self) -> dict[str, Any]:
        """The model's Hugging Face ``config.json`` as a dict."""
        return json.loads(self._impl.config_json)

    def __repr__(self) -> str:
        return f"LanguageModel({self._impl.describe()})"


class EnsembleRewards(NamedTuple):
    """An ensemble's rewards of N completions, each ``[N]`` except ``members`` ``[K, N]``."""

    mean: torch.Tensor
    std: torch.Tensor  # population standard deviation over the members
    lower: torch.Tensor  # the smallest member reward (worst case)
    upper: torch.Tensor  # the largest member reward
    members: torch.Tensor


class RewardModel(_EngineHandle):
    """A text reward model, or an ensemble of them, as ``rlab train-rm`` writes it.

    ``RewardModel(path)(prompts, completions)`` gives the same rewards as
    ``rlab score FILE --model path`` (each row is BOS + prompt + completion + EOS; a row longer
    than ``max_length`` tokens keeps its end). An ensemble's reward is its members' mean
    unless ``aggregation`` says otherwise.

    Args:
        path: a reward-model directory, or an ensemble directory (``ensemble.json``).
    """

    def __init__(self, path: PathLike) -> None:
        self._impl = _models.RewardModel(os.fspath(path))

    @classmethod
    def create(
        cls,
        preset: str = "tiny",
        *,
        members: int = 1,
        seed: int = 0,
        tokenizer: PathLike = "byte",
        objective: str = "bradley_terry",
        pooling: str = "last",
    ) -> "RewardModel":
        """A reward model of a preset's shape with fresh weights (untrained), for tests and
        examples.

        Args:
            preset: ``"tiny"``, ``"small"`` or ``"medium"``.
            members: more than 1 makes an ensemble.
            seed: the seed of the weights (torch's own generator is left as it was).
            tokenizer: ``"byte"``, ``"gpt2"`` or a tokenizer directory.
            objective: the head's objective (``bradley_terry``, ...), as train-rm records it.
            pooling: ``"last"`` (the last real token, Hugging Face's convention) or ``"sum"``.
        """
        return cls._wrap(
            _models.RewardModel.create(
                preset, members, seed, os.fspath(tokenizer), objective, pooling
            )
        )

    @classmethod
    def from_language_model(
        cls,
        language_model: LanguageModel,
        *,
        objective: str = "bradley_terry",
        pooling: str = "last",
    ) -> "RewardModel":
        """A reward model whose backbone is a copy of ``language_model``'s weights and whose
        head is fresh: where reward-model training starts from an SFT model."""
        return cls._wrap(
            _models.RewardModel.from_language_model(language_model._impl, objective, pooling)
        )

    def __call__(
        self,
        prompts: Union[str, Sequence[str]],
        completions: Union[str, Sequence[str]],
        *,
        aggregation: str = "mean",
        max_length: int = 512,
        batch_size: int = 64,
    ) -> torch.Tensor:
        """The rewards ``[N]`` (float32) of N ``(prompt, completion)`` pairs.

        Args:
            prompts, completions: N texts each.
            aggregation: how an ensemble's members combine: ``"mean"``, ``"wco"`` (the
                smallest), ``"uwo(lambda=0.5)"`` (mean minus lambda times the variance),
                ``"member(index=k)"``.
            max_length: tokens per row; a longer row keeps its last ``max_length``.
            batch_size: rows through the model at once.
        """
        return self._impl.rewards(
            _texts(prompts, "prompts"),
            _texts(completions, "completions"),
            aggregation,
            max_length,
            batch_size,
        )

    def member_rewards(
        self,
        prompts: Union[str, Sequence[str]],
        completions: Union[str, Sequence[str]],
        *,
        max_length: int = 512,
        batch_size: int = 64,
    ) -> torch.Tensor:
        """Every member's reward ``[K, N]`` (``K = 1`` for a single model)."""
        return self._impl.member_rewards(
            _texts(prompts, "prompts"), _texts(completions, "completions"), max_length, batch_size
        )

    def ensemble_rewards(
        self,
        prompts: Union[str, Sequence[str]],
        completions: Union[str, Sequence[str]],
        *,
        max_length: int = 512,
        batch_size: int = 64,
    ) -> EnsembleRewards:
        """The members' mean, standard deviation, lower and upper bounds, and each member."""
        members = self.member_rewards(
            prompts, completions, max_length=max_length, batch_size=batch_size
        )
        return EnsembleRewards(
            mean=members.mean(0),
            std=members.std(0, unbiased=False),
            lower=members.amin(0),
            upper=members.amax(0),
            members=members,
        )

    def score(
        self,
        input_ids: torch.Tensor,
        attention_mask: Optional[torch.Tensor] = None,
        *,
        aggregation: str = "mean",
    ) -> torch.Tensor:
        """Rewards ``[N]`` of token rows ``input_ids`` ``[N, T]`` (int64), read at each row's
        last real token (``attention_mask`` ``[N, T]``, 1 = real; all real when ``None``)."""
        return self._impl.score(input_ids, attention_mask, aggregation)

    def member_scores(
        self, input_ids: torch.Tensor, attention_mask: Optional[torch.Tensor] = None
    ) -> torch.Tensor:
        """Every member's reward ``[K, N]`` of token rows."""
        return self._impl.member_scores(input_ids, attention_mask)

    def tokenize(
        self,
        prompts: Union[str, Sequence[str]],
        completions: Union[str, Sequence[str]],
        *,
        max_length: int = 512,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """``(input_ids, attention_mask)``, each ``[N, T]``: the rows the text call scores."""
        return self._impl.tokenize(
            _texts(prompts, "prompts"), _texts(completions, "completions"), max_length
        )

    def save(self, directory: PathLike) -> None:
        """Writes the model (an ensemble: ``ensemble.json`` and ``member_<k>`` folders) so
        that ``RewardModel(directory)`` and ``rlab score --model directory`` read it."""
        self._impl.save(os.fspath(directory))

    def state_dict(self, member: int = 0) -> dict[str, torch.Tensor]:
        """One member's parameters by name: its own tensors, not copies."""
        return self._impl.state_dict(member)

    @property
    def tokenizer(self) -> Tokenizer:
        return Tokenizer._wrap(self._impl.tokenizer)

    @property
    def size(self) -> int:
        """The number of members (1 for a single model)."""
        return self._impl.size

    @property
    def objective(self) -> str:
        """The objective the head was trained with, as train-rm records it."""
        return self._impl.objective

    def __repr__(self) -> str:
        return f"RewardModel({self._impl.describe()})"
