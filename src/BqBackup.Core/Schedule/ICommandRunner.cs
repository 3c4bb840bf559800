namespace BqBackup.Schedule
{
    /// <summary>Runs a scheduler's own tool (systemctl, schtasks.exe): the seam between the schedulers and this machine.</summary>
    public interface ICommandRunner
    {
        /// <summary>Runs the tool and returns what it printed; ScheduleCommandFailed when it fails or cannot be started.</summary>
        string Run(string file, params string[] arguments);
    }
}
