namespace BqBackup.Schedule
{
    /// <summary>
    /// One place a schedule can live (systemd, cron, Windows Task Scheduler): what only it
    /// refuses, whether a schedule of a name is there, and the plans to install and remove one.
    /// A plan is made without changing anything, and says in words everything it would write and
    /// run (the -WhatIf text); Install and Remove then do exactly that. The scheduler's tools run
    /// through the <see cref="ICommandRunner"/> it was given, so tests never touch the machine's
    /// own systemd, crontab or Task Scheduler.
    /// </summary>
    public interface IScheduler
    {
        ScheduleKind Kind { get; }

        /// <summary>What only this scheduler refuses (an interval cron cannot say, a program path systemd cannot run); <see cref="ScheduleValidation.Validate"/> calls it after the common rules.</summary>
        void Validate(ScheduleSettings settings);

        /// <summary>Where a schedule of this name is installed (a unit file, the task's name), or null when there is none.</summary>
        string Find(string name);

        /// <summary>What installing would write and run, nothing done yet; ScheduleExists when a schedule of that name is there and <paramref name="replace"/> is false.</summary>
        SchedulePlan PlanInstall(ScheduleSettings settings, bool replace);

        /// <summary>Writes and runs what the plan says; returns <see cref="SchedulePlan.Result"/>.</summary>
        ScheduleInfo Install(SchedulePlan plan, OperationContext context);

        /// <summary>What removing would delete and run, nothing done yet; ScheduleNotFound when no schedule of that name is there.</summary>
        SchedulePlan PlanRemove(string name);

        /// <summary>Deletes and runs what the plan says.</summary>
        void Remove(SchedulePlan plan, OperationContext context);
    }
}
