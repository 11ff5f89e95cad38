/** Entry point of the GitHub Action bundle (dist/action/index.js). */
import * as core from '@actions/core';
import { run } from './main.js';

void run(core, process.env);
