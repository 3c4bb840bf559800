using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using BqBackup.Storage;

namespace BqBackup.Health
{
    public static class HealthStatus
    {
        public const string Healthy = "Healthy";
        public const string Warning = "Warning";
        public const string Critical = "Critical";
    }
}
