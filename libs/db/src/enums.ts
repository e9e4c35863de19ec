// The enums live in #common so the pure libraries (scaling) can use them; the db lib re-exports them.
export { AgentRole, AgentStatus, BudgetPeriod, ClusterStatus, ClusterType, ROLE_RANK, ScalingSource, TaskStatus, UserRole } from '#common';
