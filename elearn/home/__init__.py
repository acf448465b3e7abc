"""The home page after sign-in ("Beranda"): a person's courses, JP, open quizzes and news at a glance."""
