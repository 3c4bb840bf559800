namespace BqBackup.Schedule
{
    /// <summary>The errors every scheduler raises the same way when a schedule is, or is not, already there.</summary>
    internal static class ScheduleErrors
    {
        public static BqBackupException Exists(string message, object target) =>
            new BqBackupException(ErrorIds.ScheduleExists, BqErrorCategory.ResourceExists, message, target,
                "Pass -Force to replace it, pick another -Name, or remove it with Unregister-BqBackupSchedule.");

        public static BqBackupException NotFound(string message, string name) =>
            new BqBackupException(ErrorIds.ScheduleNotFound, BqErrorCategory.ObjectNotFound, message, name,
                "Check -Name (and -UnitDirectory, if it was given to Register-BqBackupSchedule).");
    }
}
