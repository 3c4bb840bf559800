using System;
using System.IO;
using System.Linq;
using BqBackup.Schedule;
using Xunit;

namespace BqBackup.Tests.Schedule
{
    /// <summary>InstalledSchedules reads back exactly what the schedulers write.</summary>
    public class InstalledSchedulesTests
    {
        [Theory]
        [InlineData(1)]
        [InlineData(15)]
        [InlineData(105)]
        [InlineData(360)]
        [InlineData(1440)]
        [InlineData(2 * 1440 + 90)]
        public void The_interval_of_a_timer_is_the_one_that_wrote_it(int minutes)
        {
            var interval = TimeSpan.FromMinutes(minutes);
            var calendar = SystemdScheduler.OnCalendar(interval);
            var active = calendar == null ? ScheduleInterval.SystemdSpan(interval) : null;
            Assert.Equal(interval, InstalledSchedules.SystemdInterval(calendar, active));
        }

        [Fact]
        public void A_task_xml_we_wrote_reads_back_and_another_is_not_ours()
        {
            var settings = ScheduleSamples.WindowsSettings();
            var xml = WindowsTaskScheduler.TaskXml(settings, new DateTime(2026, 1, 1));
            var info = InstalledSchedules.FromTaskXml(settings.Name, xml, null, registered: true);
            Assert.NotNull(info);
            Assert.Equal(settings.Interval, info.Interval);
            Assert.True(info.Enabled);
            Assert.Null(InstalledSchedules.FromTaskXml("x", "<Task><RegistrationInfo><Description>Someone else's</Description></RegistrationInfo></Task>", null, true));
            Assert.Null(InstalledSchedules.FromTaskXml("x", "not xml", null, true));
        }

        [Fact]
        public void Unit_files_without_our_header_are_not_listed()
        {
            var folder = Path.Combine(Path.GetTempPath(), "bq-units-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            try
            {
                File.WriteAllText(Path.Combine(folder, "x.timer"), "[Timer]\nOnCalendar=daily\n");
                File.WriteAllText(Path.Combine(folder, "x.service"), "[Service]\nExecStart=/bin/true\n");
                Assert.Empty(InstalledSchedules.FromSystemdUnits(folder));
                Assert.Empty(InstalledSchedules.FromSystemdUnits(Path.Combine(folder, "missing")));
            }
            finally { Directory.Delete(folder, true); }
        }
    }
}
