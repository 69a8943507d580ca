// End-to-end suites start real processes; their deadlines are set per test where it matters.
jest.setTimeout(300000);
