using System.ComponentModel;
using System.Diagnostics;
using System.Linq;

namespace BqBackup.Schedule
{
    /// <summary>Runs the scheduler's own tools (systemctl, schtasks.exe) for real; a failure is ScheduleCommandFailed with what the tool said.</summary>
    public sealed class SchedulerCommand : ICommandRunner
    {
        public static readonly SchedulerCommand Instance = new SchedulerCommand();

        private SchedulerCommand() { }

        public string Run(string file, params string[] arguments)
        {
            var info = new ProcessStartInfo(file, string.Join(" ", arguments.Select(Quoting.Windows)))
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                CreateNoWindow = true,
            };
            var commandLine = file + " " + string.Join(" ", arguments);
            try
            {
                using (var process = Process.Start(info))
                {
                    var stderr = process.StandardError.ReadToEndAsync();
                    var stdout = process.StandardOutput.ReadToEnd();
                    process.WaitForExit();
                    var output = (stdout + stderr.Result).Trim();
                    if (process.ExitCode != 0)
                        throw new BqBackupException(ErrorIds.ScheduleCommandFailed, BqErrorCategory.InvalidOperation,
                            $"'{commandLine}' failed with exit code {process.ExitCode}: {output}", commandLine,
                            "Run it by hand to see why (root is needed for system units and tasks); -NoEnable writes the files without it.");
                    return output;
                }
            }
            catch (Win32Exception e)
            {
                throw new BqBackupException(ErrorIds.ScheduleCommandFailed, BqErrorCategory.InvalidOperation,
                    $"Cannot run '{commandLine}': {e.Message}", commandLine,
                    "On a system without systemd use -AsCron, or -NoEnable to only write the unit files.", e);
            }
        }

        /// <summary>Like <see cref="ICommandRunner.Run"/>, but answers whether the command succeeded instead of throwing.</summary>
        public static bool Succeeds(ICommandRunner runner, string file, params string[] arguments)
        {
            try { runner.Run(file, arguments); return true; }
            catch (BqBackupException) { return false; }
        }
    }
}
