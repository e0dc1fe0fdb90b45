import { lines, transformTable } from '../harness';

transformTable('gem-no-document', {
  unchanged: [
    {
      name: 'documentation already off',
      input: lines('FROM ruby:3.3', 'RUN gem install -N rails && gem install --no-rdoc --no-ri x'),
      reason: 'the flags are there',
    },
    {
      name: 'documentation asked for',
      input: lines('FROM ruby:3.3', 'RUN gem install --document=ri rails'),
      reason: 'the user wants the documentation',
    },
    {
      name: 'bundle install',
      input: lines('FROM ruby:3.3', 'RUN bundle install'),
      reason: 'bundler writes no documentation',
    },
  ],
  changed: [
    {
      name: 'gem install',
      input: lines('FROM ruby:3.3', 'RUN gem install bundler -v 2.5.0'),
      output: lines('FROM ruby:3.3', 'RUN gem install --no-document bundler -v 2.5.0'),
      message: 'this changes what gets installed',
    },
  ],
});
