using System;

namespace BqBackup.Schedule
{
    /// <summary>Where and how a scheduler installs and removes: the cmdlets' -UnitDirectory, -NoEnable/-NoDisable, and the seam to the machine.</summary>
    public sealed class SchedulerOptions
    {
        /// <summary>Where the unit files (on Windows with <see cref="FilesOnly"/>, the task XML) go; null for the scheduler's default.</summary>
        public string UnitDirectory { get; set; }

        /// <summary>The folder the user is in: the Windows task XML's default folder.</summary>
        public string WorkingDirectory { get; set; }

        /// <summary>-NoEnable / -NoDisable: write or delete the files only, and run no systemctl or schtasks.exe.</summary>
        public bool FilesOnly { get; set; }

        /// <summary>Runs systemctl and schtasks.exe; tests give a fake that records the calls.</summary>
        public ICommandRunner Runner { get; set; } = SchedulerCommand.Instance;

        /// <summary>The day a Windows task's trigger starts (local midnight); null for today.</summary>
        public DateTime? Today { get; set; }
    }
}
