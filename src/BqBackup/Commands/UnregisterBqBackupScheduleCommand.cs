using System.Management.Automation;
using BqBackup.Schedule;

namespace BqBackup.Commands
{
    /// <summary>Removes a schedule Register-BqBackupSchedule installed: disables the timer and deletes its units (or the Scheduled Task).</summary>
    [Cmdlet(VerbsLifecycle.Unregister, "BqBackupSchedule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    public sealed class UnregisterBqBackupScheduleCommand : BqCmdlet
    {
        [Parameter(Position = 0)]
        public string Name { get; set; } = ScheduleSettings.DefaultName;

        /// <summary>Where the unit files are (on Windows with -NoDisable, the task XML).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string UnitDirectory { get; set; } = SystemdScheduler.DefaultUnitDirectory;

        /// <summary>Delete the files only: no systemctl (no schtasks on Windows).</summary>
        [Parameter]
        public SwitchParameter NoDisable { get; set; }

        protected override void EndProcessing()
        {
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
