using System.Collections.Generic;

namespace BqBackup.Schedule
{
    /// <summary>
    /// What installing or removing a schedule would do, made before anything is done: the words
    /// for -WhatIf and -Confirm, and the steps that <see cref="IScheduler.Install"/> or
    /// <see cref="IScheduler.Remove"/> then carry out, which are the same ones.
    /// </summary>
    public sealed class SchedulePlan
    {
        public string Name { get; init; }

        /// <summary>Everything that would be written (whole files) and run: ShouldProcess's text.</summary>
        public string Description { get; init; }

        /// <summary>The question -Confirm asks.</summary>
        public string Question { get; init; }

        /// <summary>What Install outputs; null for a removal.</summary>
        public ScheduleInfo Result { get; init; }

        /// <summary>
        /// For a scheduler that installs nothing itself (cron): the text the user installs, such as
        /// a crontab line. The plan then has no steps.
        /// </summary>
        public string Text { get; init; }

        internal IReadOnlyList<ScheduleStep> Steps { get; init; } = new ScheduleStep[0];

        /// <summary>Writes, deletes and runs the steps in order; temporary files are deleted whatever happens.</summary>
        internal void Apply(ICommandRunner runner, OperationContext context)
        {
            var temporary = new List<string>();
            try
            {
                foreach (var step in Steps)
                {
                    switch (step.Kind)
                    {
                        case ScheduleStep.Action.Write:
                            if (step.Temporary) temporary.Add(step.Path);
                            ScheduleFiles.Write(step.Path, step.Content, step.Encoding);
                            break;
                        case ScheduleStep.Action.Delete:
                            ScheduleFiles.Delete(step.Path);
                            break;
                        case ScheduleStep.Action.Run:
                            runner.Run(step.Command[0], step.Command.GetRange(1, step.Command.Count - 1).ToArray());
                            break;
                        default:
                            context.WriteVerbose(step.Message);
                            break;
                    }
                }
            }
            finally
            {
                foreach (var path in temporary) IO.NativeFile.TryDelete(path);
            }
        }
    }
}
