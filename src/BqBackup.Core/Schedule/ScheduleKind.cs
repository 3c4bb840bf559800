namespace BqBackup.Schedule
{
    /// <summary>Where a schedule lives: a systemd timer, a crontab line, or a Windows Scheduled Task.</summary>
    public enum ScheduleKind
    {
        Systemd,
        Cron,
        WindowsTask,
    }
}
