using System;
using System.Collections.Generic;

namespace BqBackup.Storage
{
    public sealed class ProcessEnvironment : IEnvironment
    {
        public static readonly ProcessEnvironment Instance = new ProcessEnvironment();
        public string Get(string name)
        {
            var value = Environment.GetEnvironmentVariable(name);
            return string.IsNullOrEmpty(value) ? null : value;
        }
    }
}
