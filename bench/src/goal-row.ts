// One row of a goals table: a measure, its goal, what a run reached and whether that meets it.
export interface GoalRow {
  measure: string;
  goal: string;
  /** What was reached, in words. */
  reached: string;
  met: boolean | undefined;
}
