"""Settings every check shares: hypothesis runs derandomized, so every student meets the
same cases and a re-grade gives the same score."""
from hypothesis import HealthCheck, Phase, settings

# No shrinking: the first failing case (the same for every student) is the one reported,
# and a broken submission does not cost hundreds of extra calls.
settings.register_profile("grading", derandomize=True, database=None, deadline=None, max_examples=8,
                          print_blob=False, suppress_health_check=list(HealthCheck),
                          phases=[Phase.explicit, Phase.reuse, Phase.generate], report_multiple_bugs=False)
# The student's local checks: only the fixed @example cases, whose reference answers the
# student release carries (autograder.local.check). The grading plugin picks the profile.
settings.register_profile("student", parent=settings.get_profile("grading"), phases=[Phase.explicit])
# The project's own test that the checks are sound: the reference passes them on many more cases.
settings.register_profile("thorough", parent=settings.get_profile("grading"), max_examples=150)
settings.load_profile("grading")
