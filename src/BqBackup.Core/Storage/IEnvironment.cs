using System;
using System.Collections.Generic;

namespace BqBackup.Storage
{
    /// <summary>Reads environment variables; a seam so tests can supply their own.</summary>
    public interface IEnvironment
    {
        string Get(string name);
    }
}
