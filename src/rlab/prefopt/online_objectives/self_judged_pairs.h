// The pieces the self-rewarding online objectives (cream, rlsf, osp) share: the policy's own
// judgement of its samples (the implicit DPO reward), pairs of samples picked by a ranking of
// its own, the rank agreement of two rankings, and DPO's loss with soft labels. Pairs are
// GroupPairs (group_pair.h): rows of the flattened [P * G] batch, with the run's judge's
// P(chosen > rejected) kept as a figure of how often the judge agrees with the self-judged
// label.
#pragma once

#include <torch/types.h>

#include "rlab/prefopt/dpo_losses.h"
#include "rlab/prefopt/online_objective.h"
#include "rlab/prefopt/online_objectives/group_pair.h"

namespace rlab::prefopt {

// beta (log pi_t(y) - log ref(y)) of every sample, detached: the sampling policy's implicit
// DPO reward against the reference (Rafailov et al., "Direct Preference Optimization",
// arXiv:2305.18290).  // [P, G]
torch::Tensor ImplicitSampleRewards(const OnlineBatch& batch, double beta);

// The highest and the lowest scored sample of each prompt, for the prompts whose scores are not
// all equal (a prompt whose samples tie gives no pair). scores: [P, G].
GroupPairs BestAndWorstPairs(const OnlineBatch& batch, const torch::Tensor& scores);

// Every pair (i, j) of one prompt's samples with scores[i] > scores[j]. scores: [P, G].
GroupPairs AllOrderedPairs(const OnlineBatch& batch, const torch::Tensor& scores);

// Ranked pairing: by score, the k-th best with the k-th worst for k < G / 2 (best with worst,
// second with second to last, ...); tied pairs are dropped. scores: [P, G].
GroupPairs RankedPairs(const OnlineBatch& batch, const torch::Tensor& scores);

// Kendall's tau-b of each prompt's two rankings a and b ([P, G] each): (concordant -
// discordant) / sqrt(pairs untied in a * pairs untied in b); 0 where either ranking is all
// ties.  // [P]
torch::Tensor KendallTauB(const torch::Tensor& a, const torch::Tensor& b);

// DPO's logistic loss with soft labels q [K] (q P(chosen > rejected) of each pair):
// -q log sigmoid(beta h) - (1 - q) log sigmoid(-beta h), h the pair's log-ratio margin; q = 1
// is `sigmoid`, q = 1/2 has its minimum at h = 0. Built per batch, as the labels are.
std::unique_ptr<DpoLoss> MakeSoftLabelDpoLoss(double beta, torch::Tensor labels);

// GroupPairLoss (group_pair.h) with the figure pair/count; a batch without pairs (every
// prompt's scores tie) gives a zero loss that keeps the graph, and NaN pair figures.
OnlineLoss SelfJudgedPairLoss(const DpoLoss& loss, const OnlineBatch& batch,
                              const GroupPairs& pairs);

}  // namespace rlab::prefopt
