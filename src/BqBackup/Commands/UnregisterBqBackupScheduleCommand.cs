using System.IO;
using System.Management.Automation;
using System.Runtime.InteropServices;
using BqBackup.Schedule;

namespace BqBackup.Commands
{
    /// <summary>Removes a schedule Register-BqBackupSchedule installed: disables the timer and deletes its units (or the Scheduled Task).</summary>
    [Cmdlet(VerbsLifecycle.Unregister, "BqBackupSchedule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = HelpLinks.UnregisterBqBackupSchedule)]
    public sealed class UnregisterBqBackupScheduleCommand : BqCmdlet
    {
        [Parameter(Position = 0)]
        public string Name { get; set; } = ScheduleBuilder.DefaultName;

        /// <summary>Where the unit files are (on Windows with -NoDisable, the task XML).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string UnitDirectory { get; set; } = ScheduleBuilder.DefaultUnitDirectory;

        /// <summary>Delete the files only: no systemctl (no schtasks on Windows).</summary>
        [Parameter]
        public SwitchParameter NoDisable { get; set; }

        private static readonly bool OnWindows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        protected override void EndProcessing()
        {
            try
            {
                ScheduleBuilder.ValidateName(Name);
                if (OnWindows) RemoveWindowsTask();
                else RemoveSystemd();
            }
            catch (BqBackupException e)
            {
                Fail(e);
            }
        }

        private void RemoveSystemd()
        {
            var folder = ResolvePath(UnitDirectory);
            var servicePath = Path.Combine(folder, ScheduleBuilder.ServiceFileName(Name));
            var timerPath = Path.Combine(folder, ScheduleBuilder.TimerFileName(Name));
            var timerName = ScheduleBuilder.TimerFileName(Name);
            if (!File.Exists(servicePath) && !File.Exists(timerPath))
                throw NotFound($"No schedule named '{Name}' is in '{folder}' ({ScheduleBuilder.ServiceFileName(Name)}, {timerName}).");

            var action = NoDisable
                ? $"Delete '{timerPath}' and '{servicePath}' (-NoDisable: no systemctl)"
                : $"systemctl disable --now {timerName}, delete '{timerPath}' and '{servicePath}', systemctl daemon-reload";
            if (!ShouldProcess(action, $"Remove the schedule '{Name}'?", "Unregister-BqBackupSchedule")) return;

            if (!NoDisable) SchedulerCommand.Run("systemctl", "disable", "--now", timerName);
            ScheduleFiles.Delete(timerPath);
            ScheduleFiles.Delete(servicePath);
            WriteVerbose($"Deleted '{timerPath}' and '{servicePath}'.");
            if (!NoDisable) SchedulerCommand.Run("systemctl", "daemon-reload");
        }

        private void RemoveWindowsTask()
        {
            if (NoDisable)
            {
                var folder = MyInvocation.BoundParameters.ContainsKey(nameof(UnitDirectory)) ? ResolvePath(UnitDirectory) : SessionState.Path.CurrentFileSystemLocation.ProviderPath;
                var xmlPath = Path.Combine(folder, Name + ".xml");
                if (!File.Exists(xmlPath)) throw NotFound($"No task XML '{xmlPath}' to delete.");
                if (ShouldProcess($"Delete '{xmlPath}'", $"Remove the schedule '{Name}'?", "Unregister-BqBackupSchedule")) ScheduleFiles.Delete(xmlPath);
                return;
            }
            var schtasks = Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.System), "schtasks.exe");
            if (!SchedulerCommand.Succeeds(schtasks, "/Query", "/TN", Name))
                throw NotFound($"No scheduled task named '{Name}'.");
            if (!ShouldProcess($"schtasks.exe /Delete /TN {Name} /F", $"Remove the schedule '{Name}'?", "Unregister-BqBackupSchedule")) return;
            SchedulerCommand.Run(schtasks, "/Delete", "/TN", Name, "/F");
        }

        private BqBackupException NotFound(string message) =>
            new BqBackupException(ErrorIds.ScheduleNotFound, BqErrorCategory.ObjectNotFound, message, Name,
                "Check -Name (and -UnitDirectory, if it was given to Register-BqBackupSchedule).");
    }
}
