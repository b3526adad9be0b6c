"""Events for changes the dashboards follow but whose code belongs to other apps: a
published (or withdrawn) assessment, a task or its progress. Receivers, not calls in
those apps, so that plans and assessments need no change for dashboards to be live;
`events.publish` waits for the commit like every other event."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from chiso.assessments.models import Assessment
from chiso.lib import events
from chiso.plans.models import Task, TaskUpdate


@receiver(post_save, sender=Assessment, dispatch_uid="dashboards_assessment_saved")
def assessment_saved(sender, instance: Assessment, created: bool, update_fields=None, **kw):
    if update_fields is not None and "state" not in update_fields:
        return
    kind = "assessment.published" if instance.is_published else "assessment.changed"
    public = instance.is_published and instance.visibility == Assessment.Visibility.PUBLIC
    events.publish(kind, instance.owner, public=public, assessment=instance.pk)


@receiver(post_save, sender=TaskUpdate, dispatch_uid="dashboards_task_update_saved")
def task_update_saved(sender, instance: TaskUpdate, created: bool, **kw):
    events.publish("task.updated", [instance.unit, instance.task.lead_unit], task=instance.task_id)


@receiver(post_save, sender=Task, dispatch_uid="dashboards_task_saved")
def task_saved(sender, instance: Task, created: bool, **kw):
    events.publish("task.updated", instance.lead_unit, task=instance.pk)
