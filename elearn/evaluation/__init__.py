"""Evaluation: course feedback surveys (anonymous results), pre/post-test gain, training-needs surveys."""
