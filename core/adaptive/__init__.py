"""Adaptive practice and the pass estimate: the whole rule, in one place.

The model (core/adaptive/ability.py) is a Rasch (one-parameter IRT) model above a blind guess: a learner
answers a question right with chance c + (1 - c) * sigmoid(ability of its task statement - difficulty of
the question), in logits, where c is the chance a blind guess is right under all-or-nothing grading (1/4
for a single answer, 1/C(n, k) for k of n options, 1/n! for an ordering or a matching of n): fixed by the
question's shape, not fitted (a guessing parameter needs far more answers than a bank's question gets).

- Item difficulty starts from the author's `difficulty` field (1, 2, 3 -> -1, 0, +1) and learns from every
  learner's first answer to the question: a one-parameter MAP fit with the author's level as a normal prior
  (sd 0.7), taking the learners who answered as the average learner. First all author levels shift together
  by the one offset that best explains every first answer (how much harder the bank plays for this
  population than the scale assumes), so the average learner stays at the learners' prior mean. First
  answers only, because a question answered again (a review, a repeat) is answered from memory of it.
  The difficulties are computed from the answers in the store (Store.tallies: one grouped query) rather than
  kept in a table of their own: the answer table is already the one record every process writes, so a
  difficulty derived from it is the same in every process and can never drift from the answers (no second
  copy to update in step, nothing to repair after a crash between two writes, nothing for /forget to miss).
  Each process caches the tallies for ten minutes (core/adaptive/practice.py): a difficulty moves by
  about 1/n per answer among n, so a ten-minute lag changes no pick that matters.
- A learner's ability, per task statement of the exam they study (answers to the other exam's questions
  count where a question serves both), is the MAP of the Rasch likelihood of their latest answer to each
  question under a hierarchical normal prior: every task statement shares a general ability (mean 0.6,
  sd 1.0) and deviates from it by sd 0.5, so a task with few answers borrows from the others. Its
  uncertainty is the Laplace covariance (the inverse of the Fisher information at the mode). A latest
  answer only: what the learner knows now, and the evidence never counts one question twice.

Selection (core/adaptive/select.py), for /quiz (one question) and /drill mix (ten):
- A question answered in the last RECENT_DAYS (3) days never comes while any question of the exam is
  never-answered or was answered longer ago; only when every question was answered within those days may
  one come back.
- Due spaced reviews (core/review, FSRS) take about REVIEW_SHARE (30%) of the picks when any is due and may
  come back by the rule above, most overdue first; /review stays the place for every due card on time.
- The other picks draw a task statement with weight (its domain's exam weight split over the domain's task
  statements) x (the share of its questions the learner is expected to miss), halving a drawn task's weight
  for the next draw so a drill spreads; within it, the never-answered question whose chance of a right
  answer is nearest TARGET (70%, desirable difficulty: hard enough to teach, easy enough to keep going).
  A drill's case studies come whole and its layout follows core.quiz.arrange.

The pass estimate (core/adaptive/estimate.py), shown from 20 distinct questions answered: the expected share
right on a standard full-length form, each domain by its weight over the questions a form may draw; its
uncertainty adds what we do not know of the learner (the ability's covariance through the share's gradient:
wide while answers are few) to exam day's luck (a binomial share over the form's length). The chance of
passing is the normal probability of reaching the fewest right answers that scale to the pass mark (720 of
100-1000 by the same linear mapping the diagnostic's report uses); the range is the central 80%.
bench/calibration.py checks it against simulated learners.
"""
