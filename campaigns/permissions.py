"""Object rules for campaigns (django-rules): staff and members act for their own standing
committee (organizer) only; admins see every campaign."""

from __future__ import annotations

import rules

from accounts.rules import is_admin, is_committee_member_of_campaign, is_staff_of_objects_committee

rules.add_perm("campaigns.view_campaign", is_admin | is_committee_member_of_campaign)
rules.add_perm("campaigns.view_batch", is_admin | is_staff_of_objects_committee)
rules.add_perm("campaigns.view_evaluateddepartment", is_admin | is_staff_of_objects_committee)
rules.add_perm("campaigns.view_votesession", is_admin | is_staff_of_objects_committee)
