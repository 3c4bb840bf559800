using System.Management.Automation;
using BqBackup.Schedule;

namespace BqBackup.Commands
{
    /// <summary>Lists the schedules Register-BqBackupSchedule installed; pipe them to Unregister-BqBackupSchedule.</summary>
    [Cmdlet(VerbsCommon.Get, "BqBackupSchedule", HelpUri = HelpLinks.GetBqBackupSchedule)]
    [OutputType(typeof(ScheduleInfo))]
    public sealed class GetBqBackupScheduleCommand : BqCmdlet
    {
        /// <summary>Schedule names; wildcards allowed. All of ours by default.</summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        public string[] Name { get; set; } = { "*" };

        /// <summary>Where the unit files are (on Windows, the task XML written with -NoEnable).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string UnitDirectory { get; set; } = SystemdScheduler.DefaultUnitDirectory;

        protected override void EndProcessing()
        {
            try
            {
                var unitDirectoryGiven = MyInvocation.BoundParameters.ContainsKey(nameof(UnitDirectory));
                var scheduler = Schedulers.ForThisMachine(asCron: false, new SchedulerOptions
                {
                    // Not given: the scheduler's default (/etc/systemd/system; on Windows the registered tasks).
                    UnitDirectory = unitDirectoryGiven ? ResolvePath(UnitDirectory) : null,
                    WorkingDirectory = SessionState.Path.CurrentFileSystemLocation.ProviderPath,
                    // On Windows a folder given means the task XML written there with -NoEnable.
                    FilesOnly = unitDirectoryGiven,
                });
                var where = unitDirectoryGiven ? $"in '{ResolvePath(UnitDirectory)}'" : "on this machine";
                WriteObject(InstalledSchedules.Select(scheduler.List(), Name, where, Report), enumerateCollection: true);
            }
            catch (BqBackupException e)
            {
                Fail(e);
            }
        }
    }
}
