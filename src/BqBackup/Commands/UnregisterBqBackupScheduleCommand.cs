using System.Management.Automation;
using BqBackup.Schedule;

namespace BqBackup.Commands
{
    /// <summary>Removes a schedule Register-BqBackupSchedule installed: disables the timer and deletes its units (or the Scheduled Task).</summary>
    [Cmdlet(VerbsLifecycle.Unregister, "BqBackupSchedule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = NameSet,
        HelpUri = HelpLinks.UnregisterBqBackupSchedule)]
    public sealed class UnregisterBqBackupScheduleCommand : BqCmdlet
    {
        private const string NameSet = "Name";
        private const string InputSet = "InputObject";

        [Parameter(Position = 0, ParameterSetName = NameSet)]
        public string Name { get; set; } = ScheduleSettings.DefaultName;

        /// <summary>Schedules from Get-BqBackupSchedule (or Register-BqBackupSchedule): removed where their files are; one not enabled by deleting its files only.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputSet)]
        public ScheduleInfo[] InputObject { get; set; }

        /// <summary>Where the unit files are (on Windows with -NoDisable, the task XML).</summary>
        [Parameter(ParameterSetName = NameSet)]
        [ValidateNotNullOrEmpty]
        public string UnitDirectory { get; set; } = SystemdScheduler.DefaultUnitDirectory;

        /// <summary>Delete the files only: no systemctl (no schtasks on Windows).</summary>
        [Parameter]
        public SwitchParameter NoDisable { get; set; }

        protected override void ProcessRecord()
        {
            if (ParameterSetName != InputSet) return;
            foreach (var schedule in InputObject)
            {
                if (schedule == null) continue;
                try
                {
                    ScheduleValidation.ValidateName(schedule.Name);
                    var options = InstalledSchedules.RemovalOptions(schedule);
                    options.FilesOnly |= NoDisable;
                    options.WorkingDirectory = SessionState.Path.CurrentFileSystemLocation.ProviderPath;
                    var scheduler = Schedulers.For(schedule.Kind, options);
                    var plan = scheduler.PlanRemove(schedule.Name);
                    if (ShouldProcess(plan.Description, plan.Question, "Unregister-BqBackupSchedule")) scheduler.Remove(plan, Context());
                }
                catch (BqBackupException e)
                {
                    // One schedule of several: the others are still removed.
                    Report(e);
                }
            }
        }

        protected override void EndProcessing()
        {
            if (ParameterSetName == InputSet) return;
            try
            {
                ScheduleValidation.ValidateName(Name);
                var scheduler = Schedulers.ForThisMachine(asCron: false, new SchedulerOptions
                {
                    // Not given: the scheduler's default (/etc/systemd/system; on Windows the current folder).
                    UnitDirectory = MyInvocation.BoundParameters.ContainsKey(nameof(UnitDirectory)) ? ResolvePath(UnitDirectory) : null,
                    WorkingDirectory = SessionState.Path.CurrentFileSystemLocation.ProviderPath,
                    FilesOnly = NoDisable,
                });
                var plan = scheduler.PlanRemove(Name);
                if (ShouldProcess(plan.Description, plan.Question, "Unregister-BqBackupSchedule")) scheduler.Remove(plan, Context());
            }
            catch (BqBackupException e)
            {
                Fail(e);
            }
        }
    }
}
