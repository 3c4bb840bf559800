using System;
using System.Collections.Generic;

namespace BqBackup.Storage
{
    internal sealed class DictionaryEnvironment : IEnvironment
    {
        private readonly IDictionary<string, string> values;
        public DictionaryEnvironment(IDictionary<string, string> values) { this.values = values; }
        public string Get(string name) => values.TryGetValue(name, out var v) && !string.IsNullOrEmpty(v) ? v : null;
    }
}
