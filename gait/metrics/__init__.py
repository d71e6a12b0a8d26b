"""The metric registry and the vectorised per-stride kernels.

:data:`METRICS` is the single registry of metric specifications the rest of the product
reads (report, comparison, rules): name, label, unit, views, event, definition, which
direction is better, typical range, smallest meaningful change and citations.

:func:`stride_metrics` evaluates every metric the view supports for all strides at once:
landmarks are sampled at the (sub-frame) event times with cubic interpolation and the
angle kernels run on ``(k, 2)`` arrays - no Python loop over frames or strides.

Geometry conventions (METRICS.md §1): image x right, y down.  Side-view kernels work in
*oriented* coordinates - ``u`` forward along the direction of travel, ``v`` up - so a clip
and its mirror image give the same numbers.  Angles are in degrees.

The modules: :mod:`~gait.metrics.registry` (the specifications, foot strike patterns),
:mod:`~gait.metrics.angles` (the angle kernels), :mod:`~gait.metrics.sampling` (values at
sub-frame event times), :mod:`~gait.metrics.strides` (every metric of every stride).
"""

from gait.metrics.angles import (
    ankle_dorsiflexion_deg,
    foot_angle_deg,
    frontal_knee_angle_deg,
    inclination_down_deg,
    inclination_up_deg,
    knee_flexion_deg,
    pelvic_drop_deg,
)
from gait.metrics.registry import (
    ANY,
    FRONTAL,
    METRICS,
    SIDE,
    STRIKE_FOREFOOT_DEG,
    STRIKE_REARFOOT_DEG,
    MetricSpec,
    View,
    metrics_for_view,
    not_measurable_reason,
    strike_pattern,
    strike_patterns_within,
)
from gait.metrics.sampling import sample_at, sample_kink, sample_one_sided
from gait.metrics.strides import MAX_FOOT_OFFSET_DEG, foot_flat_offset_deg, stride_metrics

__all__ = [
    "ANY",
    "FRONTAL",
    "MAX_FOOT_OFFSET_DEG",
    "METRICS",
    "SIDE",
    "STRIKE_FOREFOOT_DEG",
    "STRIKE_REARFOOT_DEG",
    "MetricSpec",
    "View",
    "ankle_dorsiflexion_deg",
    "foot_angle_deg",
    "foot_flat_offset_deg",
    "frontal_knee_angle_deg",
    "inclination_down_deg",
    "inclination_up_deg",
    "knee_flexion_deg",
    "metrics_for_view",
    "not_measurable_reason",
    "pelvic_drop_deg",
    "sample_at",
    "sample_kink",
    "sample_one_sided",
    "stride_metrics",
    "strike_pattern",
    "strike_patterns_within",
]
